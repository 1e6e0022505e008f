import type { DataSource } from 'typeorm';
import { StartupError } from '../bootstrap/startup-error';
import { SecretBox, SecretBoxError } from '../common/crypto/secret-box';

export interface SealedSetting {
  /** Primary key in `sealed_setting`. */
  name: string;
  /** What it is, for messages: "suppression salt (…)". */
  description: string;
  /** What an operator loses by starting a new one, for messages. */
  consequenceOfReset: string;
  /** The value stored when there is none yet. */
  initial: () => string;
}

/**
 * A sealed setting is in the database but none of SECRETS_KEY and SECRETS_KEYS_PREVIOUS opens
 * it: the key it was sealed under was dropped before every process had run with the new one.
 */
export class SealedSettingUnreadableError extends StartupError {
  constructor(setting: SealedSetting, reason: string) {
    super(
      `The ${setting.description} stored in the database cannot be opened (${reason}). ` +
        'Restore the key it was sealed under in SECRETS_KEYS_PREVIOUS and start again. ' +
        `If that key is lost for good, \`DELETE FROM sealed_setting WHERE name = '${setting.name}'\` ` +
        `starts a new one: ${setting.consequenceOfReset}.`,
    );
    this.name = 'SealedSettingUnreadableError';
  }
}

/**
 * A secret the service made for itself, kept in `sealed_setting` under SECRETS_KEY: the first
 * process to start stores `initial()`, every later one reads the same value back whatever key
 * is current, and a process finding it sealed under a previous key re-seals it under the
 * current one, so that key may be dropped once every process has run with the new one.
 *
 * @throws SealedSettingUnreadableError when no configured key opens the stored value.
 */
export async function openOrCreateSealedSetting(
  db: DataSource,
  box: SecretBox,
  setting: SealedSetting,
): Promise<string> {
  const aad = `sealed-setting:${setting.name}`;
  // Replicas starting together race here: the first insert wins and everyone reads it.
  await db.query(
    `INSERT INTO sealed_setting (name, sealed) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
    [setting.name, box.seal(setting.initial(), aad)],
  );
  const [{ sealed }] = (await db.query(`SELECT sealed FROM sealed_setting WHERE name = $1`, [
    setting.name,
  ])) as { sealed: string }[];
  let plain: string;
  try {
    plain = box.open(sealed, aad);
  } catch (error) {
    if (error instanceof SecretBoxError) {
      throw new SealedSettingUnreadableError(setting, error.message);
    }
    throw error;
  }
  if (box.needsReseal(sealed)) {
    // Only over the value read: another replica may have re-sealed it meanwhile.
    await db.query(
      `UPDATE sealed_setting SET sealed = $3, updated_at = now() WHERE name = $1 AND sealed = $2`,
      [setting.name, sealed, box.seal(plain, aad)],
    );
  }
  return plain;
}
