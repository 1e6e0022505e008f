import { randomBytes } from 'node:crypto';
import { keyId } from '../common/crypto/secret-box';
import type { AppConfig } from '../config/app-config';
import { ConnectionSecrets } from './connection-secrets';

const secretsWith = (secretsKey: Buffer, previousSecretsKeys: Buffer[] = []) =>
  new ConnectionSecrets({ secretsKey, previousSecretsKeys } as AppConfig);
const keyIdsOf = (sealed: Record<string, string>) =>
  Object.fromEntries(Object.entries(sealed).map(([field, value]) => [field, value.split('.')[1]]));

describe('ConnectionSecrets.resealStale', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const lostKey = randomBytes(32);

  it('re-seals values of a previous key under the current one, bound to the same connection', () => {
    const sealed = secretsWith(oldKey).seal('c1', { accessToken: 'at', clientSecret: 'cs' });
    const rotated = secretsWith(newKey, [oldKey]);
    const resealed = rotated.resealStale('c1', sealed);
    expect(keyIdsOf(resealed!)).toEqual({
      accessToken: keyId(newKey),
      clientSecret: keyId(newKey),
    });
    expect(secretsWith(newKey).open('c1', resealed!)).toEqual({
      accessToken: 'at',
      clientSecret: 'cs',
    });
  });

  it('is null when every value is already under the current key', () => {
    const secrets = secretsWith(newKey, [oldKey]);
    expect(secrets.resealStale('c1', secrets.seal('c1', { accessToken: 'at' }))).toBeNull();
  });

  it('keeps a value no configured key opens as it is, re-sealing the others', () => {
    const lost = secretsWith(lostKey).seal('c1', { clientSecret: 'cs' });
    const old = secretsWith(oldKey).seal('c1', { accessToken: 'at' });
    const resealed = secretsWith(newKey, [oldKey]).resealStale('c1', { ...lost, ...old });
    expect(resealed!.clientSecret).toBe(lost.clientSecret);
    expect(keyIdsOf(resealed!).accessToken).toBe(keyId(newKey));
  });
});
