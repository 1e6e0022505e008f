import type { ConnectorContext, HttpRequest, HttpResponse } from '../../src/connector-sdk';
import { checkHubspot } from './check';
import type { HubspotConfig, HubspotCredentials } from './types';

/** HubSpot answering by path: `status` and `data` per resource, 200 `{}` otherwise. */
function context(
  config: HubspotConfig,
  answers: Record<string, { status: number; data?: unknown }> = {},
) {
  const requests: HttpRequest[] = [];
  const ctx = {
    connectionId: 'c1',
    config,
    credentials: { accessToken: 'pat' },
    logger: { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() },
    http: {
      request: async <T>(request: HttpRequest): Promise<HttpResponse<T>> => {
        requests.push(request);
        const answer = answers[request.path] ?? { status: 200, data: {} };
        return { status: answer.status, headers: {}, data: answer.data as T };
      },
    },
  } satisfies ConnectorContext<HubspotConfig, HubspotCredentials>;
  return { ctx, requests };
}

const account = (portalId: unknown) => ({
  '/account-info/v3/details': { status: 200, data: { portalId, accountType: 'STANDARD' } },
});

describe('checkHubspot', () => {
  it('without a portalId, reads one contact and asks nothing about the account', async () => {
    const { ctx, requests } = context({});
    await expect(checkHubspot(ctx)).resolves.toEqual({ ok: true, message: 'Connected to HubSpot' });
    expect(requests.map((r) => r.path)).toEqual(['/crm/v3/objects/contacts']);
  });

  it("passes when the token's account is the configured portal", async () => {
    const { ctx, requests } = context({ portalId: 62515 }, account(62515));
    await expect(checkHubspot(ctx)).resolves.toMatchObject({ ok: true });
    expect(requests.map((r) => r.path)).toEqual([
      '/crm/v3/objects/contacts',
      '/account-info/v3/details',
    ]);
  });

  it("fails naming portalId when the token is another account's", async () => {
    const { ctx } = context({ portalId: 99001 }, account(62515));
    await expect(checkHubspot(ctx)).resolves.toEqual({
      ok: false,
      message:
        'The access token belongs to HubSpot portal 62515, not to the configured portalId 99001',
      details: { portalId: 99001, tokenPortalId: 62515 },
    });
  });

  it('fails when the account cannot be confirmed, rather than passing unchecked', async () => {
    const refused = context(
      { portalId: 62515 },
      { '/account-info/v3/details': { status: 403, data: { category: 'MISSING_SCOPES' } } },
    );
    await expect(checkHubspot(refused.ctx)).resolves.toEqual({
      ok: false,
      message:
        'Cannot confirm the configured portalId 62515: HubSpot refused GET /account-info/v3/details (HTTP 403)',
    });
    const silent = context({ portalId: 62515 }, account(undefined));
    await expect(checkHubspot(silent.ctx)).resolves.toMatchObject({
      ok: false,
      message: expect.stringContaining('portalId 62515'),
    });
  });

  it('reports a rejected token before anything about the account', async () => {
    const { ctx, requests } = context(
      { portalId: 62515 },
      { '/crm/v3/objects/contacts': { status: 401 } },
    );
    await expect(checkHubspot(ctx)).resolves.toEqual({
      ok: false,
      message: 'HubSpot rejected the access token',
    });
    expect(requests).toHaveLength(1);
  });
});
