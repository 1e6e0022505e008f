export * from './shopify-emulator';
export {
  CustomerStore,
  deletedWire,
  shopifyTime,
  toWire,
  type CustomerInput,
  type StoredCustomer,
} from './customer-store';
export { LeakyBucket } from './leaky-bucket';
export {
  sendShopifyWebhook,
  type SendWebhookOptions,
  type SentWebhook,
  type ShopifyWebhookTopic,
} from './send-webhook';
