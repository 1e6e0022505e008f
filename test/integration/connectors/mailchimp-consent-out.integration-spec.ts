/**
 * `cleaned` is Mailchimp's own verdict on an address that bounced: the API refuses it as a
 * status. A profile whose consent reads `cleaned` (taken from this audience or another) must
 * still push its other fields, and must never send that status.
 */
import { createMailchimpConnector } from '../../../connectors/mailchimp';
import { subscriberHash } from '../../../connectors/mailchimp/subscriber-hash';
import { DEFAULT_API_KEY, DEFAULT_LIST_ID, MailchimpEmulator } from '../../emulators/mailchimp';
import { useConnectorRuntime } from '../../support/connector-runtime-harness';

const mailchimp = createMailchimpConnector();
const runtime = useConnectorRuntime(mailchimp);
let emulator: MailchimpEmulator;

beforeEach(async () => {
  emulator = new MailchimpEmulator();
  await emulator.start();
});

afterEach(() => emulator.stop());

const context = () =>
  runtime.context(
    { listId: DEFAULT_LIST_ID, baseUrl: emulator.apiBaseUrl(), statusIfNew: 'pending' },
    { apiKey: DEFAULT_API_KEY },
  );

describe('Mailchimp write of a cleaned consent', () => {
  it('creates a new member with the configured status instead of cleaned', async () => {
    const fields = {
      email_address: 'ann@example.com',
      status: 'cleaned',
      'merge_fields.FNAME': 'Ann',
    };
    const [result] = await mailchimp.write!(context(), [
      { profileId: 'p-ann', fields, changed: fields },
    ]);

    expect(result).toMatchObject({ ok: true, externalId: subscriberHash('ann@example.com') });
    expect(emulator.member('ann@example.com')).toMatchObject({
      status: 'pending',
      mergeFields: expect.objectContaining({ FNAME: 'Ann' }),
    });
  });

  it('updates a known member without touching its status', async () => {
    const [ann] = emulator.seedMembers([
      { email: 'ann@example.com', status: 'subscribed', mergeFields: { FNAME: 'Ann' } },
    ]);
    const [result] = await mailchimp.write!(context(), [
      {
        profileId: 'p-ann',
        externalId: ann.id,
        fields: {
          email_address: 'ann@example.com',
          status: 'cleaned',
          'merge_fields.FNAME': 'Annie',
        },
        changed: { status: 'cleaned', 'merge_fields.FNAME': 'Annie' },
      },
    ]);

    expect(result).toMatchObject({ ok: true });
    expect(emulator.member('ann@example.com')).toMatchObject({
      status: 'subscribed',
      mergeFields: expect.objectContaining({ FNAME: 'Annie' }),
    });
  });

  it('is not a status a connection can configure for new members', () => {
    const statusIfNew = mailchimp.manifest.configSchema.properties.statusIfNew;
    expect(statusIfNew.enum).not.toContain('cleaned');
  });
});

/**
 * Mailchimp lets only the person subscribe again once they unsubscribed or bounced: the API
 * answers "Member In Compliance State". Their other fields must keep syncing all the same.
 */
describe('Mailchimp write to a member who opted out', () => {
  const optedOut = () =>
    emulator.seedMembers([
      { email: 'ann@example.com', status: 'unsubscribed', mergeFields: { FNAME: 'Ann' } },
    ])[0];
  const resubscribe = (externalId: string, held?: Record<string, string>) => ({
    profileId: 'p-ann',
    externalId,
    fields: {
      email_address: 'ann@example.com',
      status: 'subscribed',
      'merge_fields.FNAME': 'Annie',
    },
    changed: { status: 'subscribed', 'merge_fields.FNAME': 'Annie' },
    ...(held ? { held } : {}),
  });

  it('writes the other fields and leaves the consent when we hold the opt-out', async () => {
    const ann = optedOut();
    const [result] = await mailchimp.write!(context(), [
      resubscribe(ann.id, { status: 'unsubscribed', 'merge_fields.FNAME': 'Ann' }),
    ]);

    expect(result).toMatchObject({ ok: true });
    expect(emulator.member('ann@example.com')).toMatchObject({
      status: 'unsubscribed',
      mergeFields: expect.objectContaining({ FNAME: 'Annie' }),
    });
  });

  it('writes the other fields when it learns of the opt-out from the refusal', async () => {
    const ann = optedOut();
    const [result] = await mailchimp.write!(context(), [
      resubscribe(ann.id, { status: 'subscribed', 'merge_fields.FNAME': 'Ann' }),
    ]);

    expect(result).toMatchObject({ ok: true });
    expect(emulator.member('ann@example.com')).toMatchObject({
      status: 'unsubscribed',
      mergeFields: expect.objectContaining({ FNAME: 'Annie' }),
    });
  });

  it('still sends an opt-out to a subscribed member', async () => {
    const [bo] = emulator.seedMembers([{ email: 'bo@example.com', status: 'subscribed' }]);
    const [result] = await mailchimp.write!(context(), [
      {
        profileId: 'p-bo',
        externalId: bo.id,
        fields: { email_address: 'bo@example.com', status: 'unsubscribed' },
        changed: { status: 'unsubscribed' },
        held: { status: 'subscribed' },
      },
    ]);

    expect(result).toMatchObject({ ok: true });
    expect(emulator.member('bo@example.com')).toMatchObject({ status: 'unsubscribed' });
  });
});
