export * from './mailchimp-emulator';
export {
  DEFAULT_MERGE_FIELDS,
  MemberStore,
  mailchimpTime,
  subscriberHash,
  toWire,
  type MemberInput,
  type MemberStatus,
  type StoredMember,
} from './member-store';
export { ConnectionLimit } from './connection-limit';
export { encodeForm } from './form-encode';
export {
  emailChangeData,
  firedAt,
  memberWebhookData,
  sendMailchimpWebhook,
  validateMailchimpWebhookUrl,
  type MailchimpWebhookType,
  type SendMailchimpWebhookOptions,
  type SentMailchimpWebhook,
  type WebhookData,
} from './send-webhook';
export type { WebhookDelivery, WebhookRegistration, WebhookSource } from './webhook-registry';
