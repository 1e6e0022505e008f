/**
 * HubSpot's contact state: ids ascending from 1 (HubSpot ids are numeric strings), every
 * property a string, `lastmodifieddate` bumped on each change. A GDPR delete removes a contact
 * for good (its id is never reused); archived contacts stay, flagged.
 */
export interface StoredContact {
  id: string;
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
}

/** Properties the emulated portal knows; requesting another one returns nothing for it. */
export const KNOWN_PROPERTIES = new Set([
  'email',
  'phone',
  'mobilephone',
  'firstname',
  'lastname',
  'company',
  'jobtitle',
  'website',
  'address',
  'city',
  'state',
  'zip',
  'country',
  'lifecyclestage',
  'hs_lead_status',
  'createdate',
  'lastmodifieddate',
  'hs_object_id',
]);

/** What HubSpot returns for contacts when no `properties` are named (list and search). */
export const DEFAULT_PROPERTIES = [
  'createdate',
  'email',
  'firstname',
  'hs_object_id',
  'lastmodifieddate',
  'lastname',
];

export class ContactStore {
  /**
   * Indexed by id - 1. Ids are dense and never reused, so the array is already in id order
   * and a list page can start at its `after` id directly: a 100,000-contact portal answers a
   * page in microseconds instead of sorting every contact per request. A permanently deleted
   * contact leaves a hole.
   */
  private readonly contacts: (StoredContact | undefined)[] = [];
  private nextId = 1;
  /** Emails a GDPR delete by email did not find: HubSpot blocklists them. */
  readonly gdprBlocklist = new Set<string>();

  create(properties: Record<string, string>, at: number = Date.now()): StoredContact {
    const id = String(this.nextId++);
    const contact: StoredContact = {
      id,
      properties: {
        ...properties,
        hs_object_id: id,
        createdate: new Date(at).toISOString(),
        lastmodifieddate: new Date(at).toISOString(),
      },
      createdAt: at,
      updatedAt: at,
      archived: false,
    };
    this.contacts.push(contact);
    return contact;
  }

  /** Sets properties (an empty string clears one, as in HubSpot) and bumps lastmodifieddate. */
  update(id: string, properties: Record<string, string>, at: number = Date.now()): StoredContact {
    const contact = this.require(id);
    for (const [name, value] of Object.entries(properties)) {
      if (value === '') delete contact.properties[name];
      else contact.properties[name] = value;
    }
    contact.updatedAt = at;
    contact.properties.lastmodifieddate = new Date(at).toISOString();
    return contact;
  }

  /**
   * An API write: sets properties ("" clears) and bumps `lastmodifieddate` only when a value
   * actually changed, as HubSpot records no new property version for an identical value.
   */
  write(id: string, properties: Record<string, string>, at: number = Date.now()): StoredContact {
    const contact = this.require(id);
    const changed = Object.entries(properties).some(
      ([name, value]) => (contact.properties[name] ?? '') !== value,
    );
    return changed ? this.update(id, properties, at) : contact;
  }

  /** The live (not archived) contact holding `email`, compared case-insensitively. */
  findByEmail(email: string): StoredContact | undefined {
    const wanted = email.trim().toLowerCase();
    return this.contacts.find(
      (c) => c !== undefined && !c.archived && c.properties.email?.toLowerCase() === wanted,
    );
  }

  /** Removes a contact for good (a GDPR delete): no read, list or search returns it again. */
  purge(id: string): StoredContact {
    const contact = this.require(id);
    this.contacts[Number(id) - 1] = undefined;
    return contact;
  }

  archive(id: string, at: number = Date.now()): StoredContact {
    const contact = this.require(id);
    contact.archived = true;
    contact.archivedAt = at;
    contact.updatedAt = at;
    contact.properties.lastmodifieddate = new Date(at).toISOString();
    return contact;
  }

  get(id: string): StoredContact | undefined {
    // Only canonical numeric ids ("12", not "012" or "1.0") name a contact, as in a Map by id.
    if (!/^[1-9]\d*$/.test(id)) return undefined;
    return this.contacts[Number(id) - 1];
  }

  /** All contacts ordered by numeric id. */
  all(): StoredContact[] {
    return this.contacts.filter((c): c is StoredContact => c !== undefined);
  }

  /** Up to `count` contacts with id ≥ `fromId` and the given archived state, in id order. */
  slice(fromId: number, archived: boolean, count: number): StoredContact[] {
    const found: StoredContact[] = [];
    for (
      let i = Math.max(0, Math.ceil(fromId) - 1);
      i < this.contacts.length && found.length < count;
      i++
    ) {
      const contact = this.contacts[i];
      if (contact !== undefined && contact.archived === archived) found.push(contact);
    }
    return found;
  }

  clear(): void {
    this.contacts.length = 0;
    this.nextId = 1;
    this.gdprBlocklist.clear();
  }

  private require(id: string): StoredContact {
    const contact = this.get(id);
    if (!contact) throw new Error(`No contact ${id}`);
    return contact;
  }
}

/** HubSpot's wire shape: requested properties, `null` for known ones without a value. */
export function toWire(contact: StoredContact, requested: readonly string[]) {
  const properties: Record<string, string | null> = {};
  for (const name of requested) {
    if (!KNOWN_PROPERTIES.has(name)) continue;
    properties[name] = contact.properties[name] ?? null;
  }
  return {
    id: contact.id,
    properties,
    createdAt: new Date(contact.createdAt).toISOString(),
    updatedAt: new Date(contact.updatedAt).toISOString(),
    archived: contact.archived,
    ...(contact.archivedAt !== undefined
      ? { archivedAt: new Date(contact.archivedAt).toISOString() }
      : {}),
  };
}
