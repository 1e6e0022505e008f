/**
 * A Shopify create for a profile without an email, when the customer already exists: the
 * create a moment ago landed but its answer was lost (a timeout the client retried, a crash
 * before the result was recorded). Shopify keeps phones unique and answers "phone has
 * already been taken"; the push must find that customer and update it, not fail for good.
 */
import { connector } from '../../../connectors/shopify';
import type { WriteItem } from '../../../src/connector-sdk';
import { ShopifyEmulator } from '../../emulators/shopify';
import { useConnectorRuntime } from '../../support/connector-runtime-harness';

const harness = useConnectorRuntime(connector);
let emulator: ShopifyEmulator;

beforeEach(async () => {
  emulator = new ShopifyEmulator({ rateLimit: false });
  await emulator.start();
});

afterEach(() => emulator.stop());

const context = () =>
  harness.context({ baseUrl: emulator.apiBaseUrl() }, { accessToken: 'test-token' });

const customers = () => emulator.store.all();

describe('Shopify create of a profile known only by its phone', () => {
  it('updates the customer already holding the phone instead of failing', async () => {
    const landed = emulator.createCustomer({ phone: '+16135550101', first_name: 'Cy' });
    const fields = { phone: '+16135550101', first_name: 'Cy', last_name: 'Park' };
    const item: WriteItem = { profileId: 'p-cy', fields, changed: fields };

    const [result] = await connector.write!(context(), [item]);

    expect(result).toEqual({ profileId: 'p-cy', ok: true, externalId: String(landed.id) });
    expect(customers()).toHaveLength(1);
    expect(emulator.store.get(landed.id)).toMatchObject({ first_name: 'Cy', last_name: 'Park' });
  });

  it('never takes over the holder for a profile with an email: creates it without the phone', async () => {
    const bo = emulator.createCustomer({ email: 'bo@example.com', phone: '+16135550101' });
    const fields = { email: 'cy@example.com', phone: '+16135550101', first_name: 'Cy' };

    const [result] = await connector.write!(context(), [
      { profileId: 'p-cy', fields, changed: fields },
    ]);

    const cy = emulator.store.findByEmail('cy@example.com')!;
    expect(result).toEqual({
      profileId: 'p-cy',
      ok: true,
      externalId: String(cy.id),
      skippedFields: [{ field: 'phone', reason: 'HTTP 422: phone has already been taken' }],
    });
    expect(customers()).toHaveLength(2);
    expect(emulator.store.get(bo.id)).toMatchObject({
      email: 'bo@example.com',
      phone: '+16135550101',
    });
    expect(cy.phone).toBeUndefined();
  });
});
