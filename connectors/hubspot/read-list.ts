import type { ConnectorContext, ReadPage } from '../../src/connector-sdk';
import type { HubspotListCursor } from './cursor';
import { CONTACT_PROPERTIES, CONTACTS_PATH } from './properties';
import type {
  HubspotConfig,
  HubspotContact,
  HubspotCredentials,
  HubspotListResponse,
} from './types';

/** HubSpot's maximum page size for the list endpoint. */
const LIST_PAGE_SIZE = 100;

/**
 * Full read over `GET /crm/v3/objects/contacts`, following `paging.next.after` until HubSpot
 * omits `paging.next`. The last page's cursor hands over to incremental (search) reads.
 */
export async function* readAllContacts(
  ctx: ConnectorContext<HubspotConfig, HubspotCredentials>,
  start: HubspotListCursor,
): AsyncIterable<ReadPage<HubspotContact>> {
  let after = start.after;
  for (;;) {
    const { data } = await ctx.http.request<HubspotListResponse>({
      path: CONTACTS_PATH,
      query: {
        limit: LIST_PAGE_SIZE,
        after: after ?? undefined,
        properties: CONTACT_PROPERTIES.join(','),
        archived: false,
      },
    });
    const next = data.paging?.next?.after;
    if (next) {
      after = next;
      yield { records: data.results, cursor: { ...start, after } };
      continue;
    }
    yield {
      records: data.results,
      cursor: { phase: 'search', since: start.startedAt, after: null, skipIds: [] },
    };
    return;
  }
}
