/** One event of a HubSpot webhook delivery (the body is a JSON array of these). */
export interface HubspotWebhookEvent {
  eventId: number;
  subscriptionId?: number;
  portalId?: number;
  appId?: number;
  /** ms since the epoch. */
  occurredAt?: number;
  /** e.g. `contact.creation`, `contact.propertyChange`, `contact.deletion`. */
  subscriptionType: string;
  attemptNumber?: number;
  objectId: number;
  propertyName?: string;
  propertyValue?: string;
  changeSource?: string;
  changeFlag?: string;
  /** `contact.merge`: the contact given priority in the merge. */
  primaryObjectId?: number;
  /** `contact.merge`: the secondary contacts merged into it. */
  mergedObjectIds?: number[];
  /** `contact.merge`: the id of the resulting contact (may differ from both). */
  newObjectId?: number;
}
