/**
 * HubSpot's contact write endpoints: `batch/upsert` (by email or record id), `batch/update`
 * (by record id) and `gdpr-delete`, with HubSpot's validation and answer shapes.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorResponse } from '../common';
import { KNOWN_PROPERTIES, type ContactStore, type StoredContact } from './contact-store';

export const BATCH_WRITE_MAX_INPUTS = 100;
const READ_ONLY = new Set(['hs_object_id', 'createdate', 'lastmodifieddate']);
/** HubSpot checks the format (RFC 2822, no quotes) and that the domain ends in a real TLD. */
const EMAIL = /^[^\s@"]+@([a-z0-9-]+\.)+[a-z]{2,63}$/i;

export interface BatchWriteOptions {
  /**
   * True (HubSpot's behaviour when every input carries a unique `objectWriteTraceId`): a bad
   * input fails alone in a 207. False, or inputs without trace ids: a validation error refuses
   * the whole batch with a 400 and nothing is written.
   */
  multiStatus: boolean;
  now: number;
}

interface BatchInput {
  id?: unknown;
  idProperty?: unknown;
  properties?: unknown;
  objectWriteTraceId?: unknown;
}

/** HubSpot's `{isValid, message, error, name}` verdict on one property value. */
interface PropertyVerdict {
  isValid: false;
  message: string;
  error: string;
  name: string;
}

type Plan =
  | { kind: 'write'; input: BatchInput; target?: StoredContact; properties: Record<string, string> }
  | { kind: 'invalid'; input: BatchInput; verdicts: PropertyVerdict[] }
  | { kind: 'conflict'; input: BatchInput; holder: StoredContact }
  | { kind: 'not-found'; input: BatchInput };

/** `POST /crm/v3/objects/contacts/batch/upsert` or `…/batch/update`. */
export function batchWrite(
  store: ContactStore,
  body: unknown,
  mode: 'upsert' | 'update',
  options: BatchWriteOptions,
): EmulatorResponse {
  const inputs = (body as { inputs?: unknown } | undefined)?.inputs;
  if (!Array.isArray(inputs)) return refusal(400, 'VALIDATION_ERROR', 'inputs is required');
  if (inputs.length > BATCH_WRITE_MAX_INPUTS) {
    return refusal(400, 'VALIDATION_ERROR', `inputs is limited to ${BATCH_WRITE_MAX_INPUTS} items`);
  }
  const typed = inputs as BatchInput[];
  for (const input of typed) {
    const idProperty = input.idProperty ?? undefined;
    // Batch update matches on record ids or properties marked unique; email is not one of them.
    if (idProperty !== undefined && !(mode === 'upsert' && idProperty === 'email')) {
      return refusal(
        400,
        'VALIDATION_ERROR',
        `Unable to perform update/upsert by non-unique 0-1 property ${String(idProperty)}`,
      );
    }
    if (typeof input.id !== 'string' || input.id.trim() === '') {
      return refusal(400, 'VALIDATION_ERROR', 'Every input needs an id');
    }
  }
  const keys = typed.map((input) => keyOf(input));
  const duplicates = [...new Set(keys.filter((key, i) => keys.indexOf(key) !== i))];
  if (duplicates.length > 0) {
    return refusal(
      400,
      'VALIDATION_ERROR',
      `Duplicate IDs found in batch input: [${duplicates.join(', ')}]. IDs must be unique`,
    );
  }

  const plans = typed.map((input) => plan(store, input));
  const traceIds = typed.map((input) => input.objectWriteTraceId);
  const multiStatus =
    options.multiStatus &&
    traceIds.every((id) => typeof id === 'string' && id !== '') &&
    new Set(traceIds).size === traceIds.length;
  if (!multiStatus) {
    const invalid = plans.flatMap((p) => (p.kind === 'invalid' ? p.verdicts : []));
    if (invalid.length > 0) {
      return refusal(
        400,
        'VALIDATION_ERROR',
        `Property values were not valid: ${JSON.stringify(invalid)}`,
      );
    }
    const conflict = plans.find((p) => p.kind === 'conflict');
    if (conflict?.kind === 'conflict') {
      return refusal(409, 'CONFLICT', `Contact already exists. Existing ID: ${conflict.holder.id}`);
    }
  }

  const startedAt = new Date(options.now).toISOString();
  const results: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  const missing: string[] = [];
  for (const p of plans) {
    const trace =
      typeof p.input.objectWriteTraceId === 'string' ? p.input.objectWriteTraceId : undefined;
    const context = trace ? { objectWriteTraceId: [trace] } : {};
    if (p.kind === 'not-found') {
      missing.push(String(p.input.id));
    } else if (p.kind === 'invalid') {
      errors.push({
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: `Property values were not valid: ${JSON.stringify(p.verdicts)}`,
        context,
        errors: p.verdicts.map((v) => ({ message: v.message, code: v.error, in: v.name })),
      });
    } else if (p.kind === 'conflict') {
      errors.push({
        status: 'error',
        category: 'CONFLICT',
        message: `Contact already exists. Existing ID: ${p.holder.id}`,
        context: { ...context, ids: [String(p.input.id)] },
      });
    } else {
      const isNew = p.target === undefined;
      const contact = isNew
        ? store.create(
            { ...p.properties, email: p.properties.email ?? String(p.input.id) },
            options.now,
          )
        : store.write(p.target!.id, p.properties, options.now);
      results.push({
        ...writtenWire(contact, p.properties),
        ...(mode === 'upsert' ? { new: isNew } : {}),
        ...(trace ? { objectWriteTraceId: trace } : {}),
      });
    }
  }
  if (missing.length > 0) {
    errors.push({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message:
        'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
      context: { ids: missing },
    });
  }
  const completedAt = new Date().toISOString();
  const answer = { status: 'COMPLETE', results, startedAt, completedAt };
  if (errors.length === 0) return { status: 200, body: answer };
  return { status: 207, body: { ...answer, numErrors: errors.length, errors } };
}

/** `POST /crm/v3/objects/contacts/gdpr-delete` `{objectId, idProperty?}` → 204. */
export function gdprDelete(store: ContactStore, body: unknown): EmulatorResponse {
  const { objectId, idProperty } = (body ?? {}) as { objectId?: unknown; idProperty?: unknown };
  if (typeof objectId !== 'string' || objectId.trim() === '') {
    return refusal(400, 'VALIDATION_ERROR', 'objectId is required');
  }
  if (idProperty === 'email') {
    const contact = store.findByEmail(objectId);
    // An email HubSpot does not find is blocklisted: it can never be used again.
    if (contact) store.purge(contact.id);
    else store.gdprBlocklist.add(objectId.trim().toLowerCase());
    return { status: 204 };
  }
  if (idProperty !== undefined && idProperty !== null) {
    return refusal(400, 'VALIDATION_ERROR', `Unable to delete by property ${String(idProperty)}`);
  }
  const contact = store.get(objectId);
  if (!contact) return refusal(404, 'OBJECT_NOT_FOUND', 'resource not found');
  store.purge(contact.id);
  return { status: 204 };
}

/** HubSpot's own validation: unknown and read-only properties, email format, conflicts. */
function plan(store: ContactStore, input: BatchInput): Plan {
  const byEmail = input.idProperty === 'email';
  const id = String(input.id).trim();
  const properties: Record<string, string> = {};
  const verdicts: PropertyVerdict[] = [];
  const raw = input.properties && typeof input.properties === 'object' ? input.properties : {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!KNOWN_PROPERTIES.has(name)) {
      verdicts.push(verdict(name, 'PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`));
    } else if (READ_ONLY.has(name)) {
      verdicts.push(
        verdict(
          name,
          'READ_ONLY_VALUE',
          `"${name}" is a read only property; its value cannot be set.`,
        ),
      );
    } else {
      properties[name] = value === null || value === undefined ? '' : String(value);
    }
  }
  for (const email of [byEmail ? id : undefined, properties.email]) {
    if (email !== undefined && email !== '' && !EMAIL.test(email)) {
      verdicts.push(verdict('email', 'INVALID_EMAIL', `Email address ${email} is invalid`));
    }
  }
  if (verdicts.length > 0) return { kind: 'invalid', input, verdicts };

  const target = byEmail ? store.findByEmail(id) : store.get(id);
  if (!byEmail && (!target || target.archived)) return { kind: 'not-found', input };
  if (properties.email) {
    const holder = store.findByEmail(properties.email);
    if (holder && holder.id !== target?.id) return { kind: 'conflict', input, holder };
  }
  return { kind: 'write', input, target: target?.archived ? undefined : target, properties };
}

function keyOf(input: BatchInput): string {
  const id = String(input.id).trim();
  return input.idProperty === 'email' ? id.toLowerCase() : id;
}

function verdict(name: string, error: string, message: string): PropertyVerdict {
  return { isValid: false, message, error, name };
}

/** A written contact as batch writes return it: what was set, plus HubSpot's own properties. */
function writtenWire(contact: StoredContact, written: Record<string, string>) {
  const properties: Record<string, string | null> = {};
  for (const name of [
    ...Object.keys(written),
    'email',
    'hs_object_id',
    'createdate',
    'lastmodifieddate',
  ]) {
    properties[name] = contact.properties[name] ?? null;
  }
  return {
    id: contact.id,
    properties,
    createdAt: new Date(contact.createdAt).toISOString(),
    updatedAt: new Date(contact.updatedAt).toISOString(),
    archived: false,
  };
}

function refusal(status: number, category: string, message: string): EmulatorResponse {
  return { status, body: { status: 'error', message, correlationId: randomUUID(), category } };
}
