export * from './shopify-emulator';
export {
  addressId,
  addressWire,
  CustomerStore,
  deletedWire,
  shopifyTime,
  toWire,
  type CustomerInput,
  type StoredCustomer,
} from './customer-store';
export { DATA_ERASURE_SCOPE } from './customer-writes';
export { LeakyBucket } from './leaky-bucket';
export {
  sendShopifyWebhook,
  type SendWebhookOptions,
  type SentWebhook,
  type ShopifyWebhookTopic,
} from './send-webhook';
