import type { ConnectorContext, HttpRequest, ReadPage } from '../../src/connector-sdk';
import { fetchUsers } from './fetch';
import { readUsers } from './read';
import type { ZendeskConfig, ZendeskCredentials, ZendeskRecord, ZendeskUser } from './types';

const owner: ZendeskUser = {
  id: 1001,
  name: 'Account Owner',
  email: 'owner@acme.example',
  role: 'admin',
  active: true,
  created_at: '2020-01-01T00:00:00Z',
  updated_at: '2020-01-01T00:00:00Z',
};
const agent: ZendeskUser = {
  ...owner,
  id: 1002,
  name: 'Agent Smith',
  email: 'agent@acme.example',
  role: 'agent',
  updated_at: '2024-11-05T10:00:00Z',
};
const customer: ZendeskUser = {
  ...owner,
  id: 1003,
  name: 'Ann Lee',
  email: 'ann@example.com',
  role: 'end-user',
  updated_at: '2024-11-05T11:00:00Z',
};

/** A context whose HTTP client serves the export (everyone) and `show_many` (by id). */
function context(config: ZendeskConfig): ConnectorContext<ZendeskConfig, ZendeskCredentials> {
  const users = [owner, agent, customer];
  const byIds = (ids: unknown) =>
    users.filter((user) => String(ids).split(',').includes(String(user.id)));
  return {
    connectionId: 'c1',
    config,
    credentials: { email: 'owner@acme.example', apiToken: 't' },
    http: {
      request: async (request: HttpRequest) => ({
        status: 200,
        headers: {},
        data: request.path.startsWith('/incremental')
          ? { users, after_cursor: 'c2', end_of_stream: true }
          : { users: byIds(request.query?.ids) },
      }),
    },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  } as unknown as ConnectorContext<ZendeskConfig, ZendeskCredentials>;
}

async function readAll(config: ZendeskConfig): Promise<ReadPage<ZendeskRecord>[]> {
  const pages: ReadPage<ZendeskRecord>[] = [];
  for await (const page of readUsers(
    context(config),
    { mode: 'full', cursor: null },
    {
      pageSize: 100,
    },
  )) {
    pages.push(page);
  }
  return pages;
}

const leftOut = [
  { leftOut: 'staff', id: 1001, role: 'admin', updated_at: '2020-01-01T00:00:00Z' },
  { leftOut: 'staff', id: 1002, role: 'agent', updated_at: '2024-11-05T10:00:00Z' },
];

describe('staff: read and fetch', () => {
  it('hand on agents and admins as left-out users (id, role, time only) and end-users whole', async () => {
    const [page] = await readAll({});
    expect(page.records).toEqual([...leftOut, customer]);
    // The cursor still moves past the staff: they are read, only not taken.
    expect(page.cursor).toMatchObject({ newestUpdatedAt: Date.parse(customer.updated_at!) });
    expect(await fetchUsers(context({}), ['1001', '1002', '1003'])).toEqual([...leftOut, customer]);
  });

  it('hand on every user whole with includeStaff', async () => {
    const [page] = await readAll({ includeStaff: true });
    expect(page.records).toEqual([owner, agent, customer]);
    expect(await fetchUsers(context({ includeStaff: true }), ['1001', '1002'])).toEqual([
      owner,
      agent,
    ]);
  });
});
