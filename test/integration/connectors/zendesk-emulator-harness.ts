import type { ZendeskConfig, ZendeskCredentials, ZendeskRecord } from '../../../connectors/zendesk';
import type { Connector } from '../../../src/connector-sdk';
import { ZendeskEmulator } from '../../emulators/zendesk';
import { useConnectorRuntime } from '../../support/connector-runtime-harness';

/**
 * A fresh Zendesk emulator for each test, its rate limits off, and contexts of fresh
 * connections to it through the real runtime, with the account owner's API token.
 */
export function useZendeskEmulator(
  connector: Connector<ZendeskConfig, ZendeskCredentials, ZendeskRecord>,
) {
  const harness = useConnectorRuntime(connector);
  let current: ZendeskEmulator | undefined;

  beforeEach(async () => {
    current = new ZendeskEmulator({
      rateLimit: false,
      exportRateLimit: false,
      userUpdateRateLimit: false,
    });
    await current.start();
  });

  afterEach(() => current?.stop());

  const emulator = (): ZendeskEmulator => {
    if (!current) throw new Error('The Zendesk emulator runs inside tests only');
    return current;
  };
  return {
    get emulator(): ZendeskEmulator {
      return emulator();
    },
    context: (config: Omit<ZendeskConfig, 'baseUrl'> = {}) =>
      harness.context(
        { baseUrl: emulator().apiBaseUrl(), ...config },
        { email: 'admin@example.com', apiToken: 'test-token' },
      ),
  };
}
