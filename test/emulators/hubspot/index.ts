export * from './hubspot-emulator';
export {
  ContactStore,
  DEFAULT_PROPERTIES,
  KNOWN_PROPERTIES,
  type StoredContact,
} from './contact-store';
export { BATCH_WRITE_MAX_INPUTS } from './batch-write';
export {
  DEFAULT_PORTAL_ID,
  sendHubspotWebhook,
  type HubspotWebhookEventInput,
  type SendHubspotWebhookOptions,
} from './send-webhook';
