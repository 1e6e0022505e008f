import { Provenance } from './compute-traits';
import { readProvenance, storeProvenance } from './stored-provenance';

describe('stored provenance', () => {
  const crm = { connectionId: 'c1', externalId: 'x-1', updatedAt: '2024-01-01T00:00:00.000Z' };
  const shop = { connectionId: 'c2', externalId: 'y-9', updatedAt: '2024-02-01T00:00:00.000Z' };
  const provenance: Provenance = {
    'custom.hubspot': crm,
    email: shop,
    firstName: crm,
    lastName: shop,
    phone: { ...crm },
  };

  it('groups traits by the source record that won them, in a fixed order', () => {
    expect(storeProvenance(provenance)).toEqual([
      ['c1', 'x-1', '2024-01-01T00:00:00.000Z', ['custom.hubspot', 'firstName', 'phone']],
      ['c2', 'y-9', '2024-02-01T00:00:00.000Z', ['email', 'lastName']],
    ]);
    const reordered = Object.fromEntries(Object.entries(provenance).reverse());
    expect(JSON.stringify(storeProvenance(reordered))).toBe(
      JSON.stringify(storeProvenance(provenance)),
    );
  });

  it('reads back the per-trait map, keys sorted, and accepts that map as stored before', () => {
    const read = readProvenance(storeProvenance(provenance));
    expect(read).toEqual(provenance);
    expect(Object.keys(read)).toEqual(Object.keys(provenance).sort());
    expect(readProvenance(provenance)).toBe(provenance);
    expect(readProvenance([])).toEqual({});
  });
});
