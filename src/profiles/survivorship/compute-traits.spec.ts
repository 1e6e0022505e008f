import { TraitSource, computeTraits } from './compute-traits';

const source = (overrides: Partial<TraitSource>): TraitSource => ({
  connectionId: 'c1',
  externalId: 'x',
  updatedAt: '2024-01-01T00:00:00.000Z',
  deleted: false,
  traits: {},
  ...overrides,
});

describe('computeTraits (survivorship)', () => {
  it('takes the newest non-empty value per trait and records where it came from', () => {
    const result = computeTraits(
      [
        source({ externalId: 'old', traits: { firstName: 'Old', company: 'Kept' } }),
        source({
          externalId: 'new',
          updatedAt: '2024-02-01T00:00:00.000Z',
          traits: { firstName: 'New', company: '' },
        }),
      ],
      new Map(),
    );
    expect(result.traits).toEqual({ firstName: 'New', company: 'Kept' });
    expect(result.provenance.company.externalId).toBe('old');
  });

  it('lets a connection priority override recency, higher first, null last', () => {
    const result = computeTraits(
      [
        source({ connectionId: 'crm', traits: { jobTitle: 'CTO' } }),
        source({
          connectionId: 'shop',
          updatedAt: '2025-01-01T00:00:00.000Z',
          traits: { jobTitle: 'Dev' },
        }),
      ],
      new Map([['crm', 1]]),
    );
    expect(result.traits.jobTitle).toBe('CTO');
  });

  it('ignores deleted sources and is independent of input order', () => {
    const sources = [
      source({ externalId: 'a', traits: { tags: ['x'], custom: { hubspot: { stage: 'lead' } } } }),
      source({ externalId: 'b', traits: { tags: ['y'] }, updatedAt: '2024-01-01T00:00:00.000Z' }),
      source({
        externalId: 'c',
        deleted: true,
        updatedAt: '2030-01-01T00:00:00.000Z',
        traits: { tags: ['z'] },
      }),
    ];
    const forward = computeTraits(sources, new Map());
    expect(computeTraits([...sources].reverse(), new Map())).toEqual(forward);
    expect(forward.traits).toEqual({ tags: ['x'], custom: { hubspot: { stage: 'lead' } } });
    expect(Object.keys(forward.provenance)).toEqual(['custom.hubspot', 'tags']);
  });
});

describe('computeTraits: traits the vendor dates apart from its record', () => {
  const shop = (overrides: Partial<TraitSource>) =>
    source({
      connectionId: 'shop',
      externalId: 's1',
      // Touched today by an order...
      updatedAt: '2024-06-01T00:00:00.000Z',
      traits: { firstName: 'Ana', emailConsent: 'subscribed' },
      // ...but the customer subscribed in January.
      traitTimes: { emailConsent: '2024-01-10T00:00:00.000Z' },
      ...overrides,
    });
  const mail = source({
    connectionId: 'mail',
    externalId: 'm1',
    updatedAt: '2024-03-01T00:00:00.000Z',
    traits: { firstName: 'Anna', emailConsent: 'unsubscribed' },
  });

  it('ranks a dated trait by its own time, every other trait by its record time', () => {
    const result = computeTraits([shop({}), mail], new Map());
    expect(result.traits).toEqual({ firstName: 'Ana', emailConsent: 'unsubscribed' });
    expect(result.provenance.emailConsent).toEqual({
      connectionId: 'mail',
      externalId: 'm1',
      updatedAt: '2024-03-01T00:00:00.000Z',
    });
    expect(result.provenance.firstName.connectionId).toBe('shop');
  });

  it('shows the trait time as where a winning dated value came from, in any input order', () => {
    const later = shop({ traitTimes: { emailConsent: '2024-04-01T00:00:00.000Z' } });
    const result = computeTraits([mail, later], new Map());
    expect(result.traits.emailConsent).toBe('subscribed');
    expect(result.provenance.emailConsent).toEqual({
      connectionId: 'shop',
      externalId: 's1',
      updatedAt: '2024-04-01T00:00:00.000Z',
    });
    expect(computeTraits([later, mail], new Map())).toEqual(result);
  });

  it('still lets a connection priority override recency for a dated trait', () => {
    const result = computeTraits([shop({}), mail], new Map([['shop', 1]]));
    expect(result.traits.emailConsent).toBe('subscribed');
  });
});

describe('computeTraits: values a connection handed back after we wrote them there', () => {
  // The shop set the name; we copied it to the CRM, which ranks above the shop.
  const shop = (firstName: string, updatedAt: string) =>
    source({ connectionId: 'shop', externalId: 's', updatedAt, traits: { firstName } });
  const crm = (traits: TraitSource['traits'], extra: Partial<TraitSource> = {}) =>
    source({
      connectionId: 'crm',
      externalId: 'h',
      updatedAt: '2024-03-01T00:00:00.000Z',
      traits,
      ...extra,
    });
  const priorities = new Map([['crm', 10]]);

  it("ranks an echoed value as a copy of its origin: without the connection's priority", () => {
    const copied = crm(
      { firstName: 'Quinn', lastName: 'Lee' },
      {
        echoedTraits: ['firstName'],
        traitTimes: { firstName: '2024-01-31T23:59:59.999Z' },
      },
    );
    const result = computeTraits([copied, shop('Quincy', '2024-02-15T00:00:00.000Z')], priorities);
    expect(result.traits).toEqual({ firstName: 'Quincy', lastName: 'Lee' });
    expect(result.provenance.firstName.connectionId).toBe('shop');
  });

  it("keeps the connection's priority for what its own users entered", () => {
    const own = crm({ firstName: 'Quinn' });
    const result = computeTraits([own, shop('Quincy', '2024-04-01T00:00:00.000Z')], priorities);
    expect(result.traits.firstName).toBe('Quinn');
  });

  it('still holds an echoed value when its origin no longer has one', () => {
    const copied = crm(
      { firstName: 'Quinn' },
      { echoedTraits: ['firstName'], traitTimes: { firstName: '2024-01-31T23:59:59.999Z' } },
    );
    const gone = source({ connectionId: 'shop', externalId: 's', deleted: true });
    expect(computeTraits([copied, gone], priorities).traits.firstName).toBe('Quinn');
  });
});

describe('computeTraits: values from connectors that hold only part of a trait', () => {
  // HubSpot has no second address line.
  const partial = new Map([
    ['crm', { address: ['city', 'country', 'line1', 'postalCode', 'region'] }],
  ]);
  const crmFirst = new Map([['crm', 10]]);
  const shopAddress = {
    line1: '12 Harbour St',
    line2: 'Apt 4',
    city: 'Torono',
    region: 'ON',
    postalCode: 'M5J 2N8',
    country: 'CA',
  };
  const shop = (address: object, updatedAt = '2024-01-01T00:00:00.000Z') =>
    source({ connectionId: 'shop', externalId: 's', updatedAt, traits: { address } });
  const crm = (address: object) =>
    source({
      connectionId: 'crm',
      externalId: 'h',
      updatedAt: '2024-02-01T00:00:00.000Z',
      traits: { address },
    });

  it("keeps the parts the winner's connector cannot hold from another value of the same place", () => {
    const fixedCity = crm({
      line1: '12  harbour st',
      city: 'Toronto',
      region: 'Ontario',
      postalCode: 'm5j2n8',
      country: 'CA',
    });
    for (const order of [
      [fixedCity, shop(shopAddress)],
      [shop(shopAddress), fixedCity],
    ]) {
      const result = computeTraits(order, crmFirst, partial);
      expect(result.traits.address).toEqual({
        line1: '12  harbour st',
        line2: 'Apt 4',
        city: 'Toronto',
        region: 'Ontario',
        postalCode: 'm5j2n8',
        country: 'CA',
      });
      expect(result.provenance.address.connectionId).toBe('crm');
    }
  });

  it('takes nothing from another place: a move keeps no old apartment number', () => {
    const moved = crm({ line1: '1 Quay Rd', city: 'Toronto', country: 'CA' });
    const result = computeTraits([moved, shop(shopAddress)], crmFirst, partial);
    expect(result.traits.address).toEqual({ line1: '1 Quay Rd', city: 'Toronto', country: 'CA' });
    const { line2: _line2, ...withoutLine2 } = shopAddress;
    const otherPostcode = crm({ ...withoutLine2, postalCode: 'K1A 0B1' });
    expect(
      computeTraits([otherPostcode, shop(shopAddress)], crmFirst, partial).traits.address,
    ).not.toHaveProperty('line2');
  });

  it('takes the parts from the best-ranked whole value of the place as it stands: a line 2 the shop removed stays removed', () => {
    const { line2: _line2, ...removed } = shopAddress;
    const crmOwn = crm({ ...removed, city: 'Toronto' });
    const shopNow = shop(removed, '2024-01-20T00:00:00.000Z');
    // Older copies elsewhere still hold "Apt 4": a copy of our earlier write (ranked by its
    // origin's time), and a stale record.
    const mailCopy = source({
      connectionId: 'mail',
      externalId: 'm',
      updatedAt: '2024-01-25T00:00:00.000Z',
      traits: { address: shopAddress },
      traitTimes: { address: '2024-01-10T00:00:00.000Z' },
      echoedTraits: ['address'],
    });
    const staleDesk = source({
      connectionId: 'desk',
      externalId: 'd',
      traits: { address: shopAddress },
    });
    const result = computeTraits([crmOwn, shopNow, mailCopy, staleDesk], crmFirst, partial);
    expect(result.traits.address).not.toHaveProperty('line2');
  });

  it("keeps the apartment at the CRM's next edit once the shop holds our completed address", () => {
    const { line2: _line2, ...crmParts } = shopAddress;
    const retyped = crm({ ...crmParts, postalCode: 'm5j2n8' });
    // The shop's record now is its copy of the address we completed and wrote there.
    const shopCopy = source({
      connectionId: 'shop',
      externalId: 's',
      updatedAt: '2024-02-01T00:00:05.000Z',
      traits: { address: shopAddress },
      traitTimes: { address: '2024-01-31T23:59:59.999Z' },
      echoedTraits: ['address'],
    });
    expect(computeTraits([retyped, shopCopy], crmFirst, partial).traits.address).toMatchObject({
      line2: 'Apt 4',
      postalCode: 'm5j2n8',
    });
  });

  it('fills nothing the winning connector holds: there, an absent part was cleared', () => {
    const { line2: _line2, ...withoutLine2 } = shopAddress;
    const cleared = shop(withoutLine2, '2024-03-01T00:00:00.000Z');
    const staleCopy = source({
      connectionId: 'mail',
      externalId: 'm',
      traits: { address: shopAddress },
    });
    const result = computeTraits([cleared, staleCopy], new Map(), partial);
    expect(result.traits.address).not.toHaveProperty('line2');
    // Without knowing which connectors hold part of a trait, nothing is filled either.
    expect(
      computeTraits([crm({ line1: '12 Harbour St' }), shop(shopAddress)], crmFirst).traits.address,
    ).toEqual({
      line1: '12 Harbour St',
    });
  });
});
