export * from './hubspot-emulator';
export {
  ContactStore,
  DEFAULT_PROPERTIES,
  KNOWN_PROPERTIES,
  type StoredContact,
} from './contact-store';
