import type { Connector, MappedRecord } from '../connector-sdk/connector.types';
import { mapVendorRecord } from './map-vendor-record';

function connectorMapping(name: string, custom: Record<string, Record<string, unknown>>) {
  const record: MappedRecord = {
    externalId: '42',
    updatedAt: '2026-01-01T00:00:00.000Z',
    traits: { email: 'ann@example.com', custom },
  };
  return { manifest: { name }, mapIn: () => record } as unknown as Pick<
    Connector,
    'mapIn' | 'manifest'
  >;
}

describe('mapVendorRecord', () => {
  it('passes custom traits written under the connector’s own name', () => {
    const record = mapVendorRecord(connectorMapping('hubspot', { hubspot: { stage: 'lead' } }), {});
    expect(record.traits.custom).toEqual({ hubspot: { stage: 'lead' } });
  });

  it('fails a record that writes another connector’s namespace, naming it', () => {
    const connector = connectorMapping('hubspot', {
      hubspot: { stage: 'lead' },
      shopify: { state: 'enabled' },
    });
    expect(() => mapVendorRecord(connector, {})).toThrow(
      'mapIn wrote custom.shopify; connector hubspot may write only custom.hubspot',
    );
  });

  it('fails clearly for a connector without mapIn', () => {
    const connector = { manifest: { name: 'push-only' } } as Pick<Connector, 'mapIn' | 'manifest'>;
    expect(() => mapVendorRecord(connector, {})).toThrow('connector push-only has no mapIn');
  });
});
