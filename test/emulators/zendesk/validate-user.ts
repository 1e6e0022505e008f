import type { FieldError } from './errors';
import type { StoredUser, UserInput, UserStore } from './user-store';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * What Zendesk refuses in a user write (422 `RecordInvalid`): a malformed email, an email held
 * by another user, and, for a new user, no name. Undefined when the input is acceptable.
 */
export function validateUser(
  input: UserInput,
  store: UserStore,
  existing?: StoredUser,
): Record<string, FieldError[]> | undefined {
  const details: Record<string, FieldError[]> = {};
  if (typeof input.email === 'string' && input.email !== '') {
    if (!EMAIL.test(input.email)) {
      details.email = [
        { description: `Email: ${input.email} is not properly formatted`, error: 'InvalidValue' },
      ];
    } else {
      const holder = store.findByEmail(input.email);
      if (holder && holder.id !== existing?.id) {
        details.email = [
          {
            description: `Email: ${input.email} is already being used by another user`,
            error: 'DuplicateValue',
          },
        ];
      }
    }
  }
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if ((!existing && !name) || (input.name !== undefined && !name)) {
    details.name = [{ description: 'Name: cannot be blank', error: 'BlankValue' }];
  }
  return Object.keys(details).length > 0 ? details : undefined;
}
