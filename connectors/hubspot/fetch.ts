import type { ConnectorContext } from '../../src/connector-sdk';
import { CONTACT_PROPERTIES, CONTACTS_BATCH_READ_PATH } from './properties';
import type {
  HubspotBatchReadResponse,
  HubspotConfig,
  HubspotContact,
  HubspotCredentials,
} from './types';

/** HubSpot's batch read accepts at most 100 inputs. */
const BATCH_SIZE = 100;

/**
 * Full contacts by id, for webhook events that carry only ids. Unknown or deleted ids are left
 * out of the result (HubSpot answers 207 with an OBJECT_NOT_FOUND error for them).
 */
export async function fetchContacts(
  ctx: ConnectorContext<HubspotConfig, HubspotCredentials>,
  ids: string[],
): Promise<HubspotContact[]> {
  const contacts: HubspotContact[] = [];
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += BATCH_SIZE) {
    const { data } = await ctx.http.request<HubspotBatchReadResponse>({
      method: 'POST',
      path: CONTACTS_BATCH_READ_PATH,
      query: { archived: false },
      body: {
        properties: [...CONTACT_PROPERTIES],
        inputs: unique.slice(i, i + BATCH_SIZE).map((id) => ({ id })),
      },
      acceptStatuses: [207],
    });
    contacts.push(...data.results);
  }
  return contacts;
}
