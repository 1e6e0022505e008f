import type {
  ConnectorContext,
  HttpRequest,
  HttpResponse,
  WriteItem,
} from '../../src/connector-sdk';
import type { ZendeskConfig, ZendeskCredentials, ZendeskUser } from './types';
import { writeUsers } from './write';

const customer: ZendeskUser = {
  id: 2001,
  name: 'Ann Lee',
  email: 'ann@example.com',
  role: 'end-user',
  active: true,
};
const promoted: ZendeskUser = {
  id: 2002,
  name: 'Bo Chen',
  email: 'bo@example.com',
  role: 'agent',
  active: true,
};
const owner: ZendeskUser = {
  id: 2003,
  name: 'Account Owner',
  email: 'owner@shop.example',
  role: 'admin',
  active: true,
};
const everyone = [customer, promoted, owner];

/** Zendesk answering lookups from `everyone`, and any write with the user it names. */
function context(config: ZendeskConfig = {}) {
  const requests: HttpRequest[] = [];
  const answer = (request: HttpRequest): unknown => {
    if (request.path === '/users/show_many.json') {
      const ids = String(request.query?.ids).split(',');
      return { users: everyone.filter((user) => ids.includes(String(user.id))) };
    }
    if (request.path === '/users/search.json') {
      const email = String(request.query?.query).replace(/^email:/, '');
      return { users: everyone.filter((user) => user.email === email) };
    }
    const id = Number(request.path.match(/^\/users\/(\d+)\.json$/)?.[1]);
    return { user: everyone.find((user) => user.id === id) ?? { ...customer, id: 2999 } };
  };
  const ctx = {
    connectionId: 'c1',
    config,
    credentials: { email: owner.email!, apiToken: 't' },
    logger: { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() },
    http: {
      request: async <T>(request: HttpRequest): Promise<HttpResponse<T>> => {
        requests.push(request);
        const status = request.method === 'POST' ? 201 : 200;
        return { status, headers: {}, data: answer(request) as T };
      },
    },
  } satisfies ConnectorContext<ZendeskConfig, ZendeskCredentials>;
  return { ctx, requests };
}

const phoneChange = (user: ZendeskUser, profileId: string): WriteItem => ({
  profileId,
  externalId: String(user.id),
  fields: { email: user.email!, phone: '+15550100001' },
  changed: { phone: '+15550100001' },
});

const STAFF = 'Syncline does not write to staff (config.includeStaff is off)';

describe('writeUsers and staff', () => {
  it('looks up the users a batch updates in one call and writes only to the end-users, unless includeStaff', async () => {
    const { ctx, requests } = context();

    const results = await writeUsers(ctx, [
      phoneChange(customer, 'p-ann'),
      phoneChange(promoted, 'p-bo'),
      { ...phoneChange(owner, 'p-owner'), changed: { email: 'owner@home.example' } },
    ]);

    expect(results).toEqual([
      { profileId: 'p-ann', ok: true, externalId: '2001' },
      {
        profileId: 'p-bo',
        ok: false,
        retryable: false,
        error: `Zendesk user 2002 is an agent; ${STAFF}`,
      },
      {
        profileId: 'p-owner',
        ok: false,
        retryable: false,
        error: `Zendesk user 2003 is an admin; ${STAFF}`,
      },
    ]);
    expect(requests.map((r) => [r.method ?? 'GET', r.path, r.query])).toEqual([
      ['GET', '/users/show_many.json', { ids: '2001,2002,2003' }],
      ['PUT', '/users/2001.json', undefined],
    ]);

    // With includeStaff, staff are written to as before, and no one is looked up.
    const taking = context({ includeStaff: true });
    await expect(writeUsers(taking.ctx, [phoneChange(promoted, 'p-bo')])).resolves.toEqual([
      { profileId: 'p-bo', ok: true, externalId: '2002' },
    ]);
    expect(taking.requests.map((r) => [r.method ?? 'GET', r.path])).toEqual([
      ['PUT', '/users/2002.json'],
    ]);
  });

  it('does not create_or_update onto the staff member whose email a new profile has', async () => {
    const { ctx, requests } = context();
    const ownerAsCustomer = { email: owner.email!, first_name: 'Olga', phone: '+15550100009' };
    const newcomer = { email: 'new@example.com', first_name: 'Nia' };

    const results = await writeUsers(ctx, [
      { profileId: 'p-olga', fields: ownerAsCustomer, changed: ownerAsCustomer },
      { profileId: 'p-nia', fields: newcomer, changed: newcomer },
    ]);

    expect(results).toEqual([
      {
        profileId: 'p-olga',
        ok: false,
        retryable: false,
        error: `Zendesk user 2003, an admin, has this profile's email; ${STAFF}`,
      },
      { profileId: 'p-nia', ok: true, externalId: '2999' },
    ]);
    const writes = requests.filter((r) => r.method === 'POST');
    expect(writes.map((r) => (r.body as { user: { email: string } }).user.email)).toEqual([
      'new@example.com',
    ]);
  });
});
