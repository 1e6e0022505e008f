export * from './zendesk-emulator';
export {
  toWire,
  UserStore,
  zendeskTime,
  type StoredUser,
  type UserInput,
  type ZendeskRole,
} from './user-store';
export { decodeExportCursor, encodeExportCursor, type ExportPosition } from './export-cursor';
export { FixedWindow } from './fixed-window';
export {
  sendZendeskWebhook,
  type SendZendeskWebhookOptions,
  type SentZendeskWebhook,
  type ZendeskUserEventType,
} from './send-webhook';
