import type { FieldMapping } from '../connector-sdk/connector.types';
import { mapTraits } from './field-mapping';

describe('mapTraits', () => {
  const mapping: FieldMapping = {
    firstname: 'firstName',
    address: 'address.line1',
    zip: 'address.postalCode',
    note: 'custom.shop.note',
    source: { const: 'syncline' },
  };

  it('leaves out empty traits, so an empty value never overwrites what the vendor holds', () => {
    expect(mapTraits(mapping, { firstName: '' })).toEqual({ source: 'syncline' });
  });

  it("clears a part of an address the profile holds without it: a move's old postcode goes", () => {
    expect(mapTraits(mapping, { address: { line1: '1 Quay Rd', country: 'IE' } })).toEqual({
      address: '1 Quay Rd',
      zip: null,
      source: 'syncline',
    });
  });

  it('clears nothing around an address without its street: a city alone is a fragment', () => {
    expect(mapTraits(mapping, { address: { city: 'Toronto' } })).toEqual({ source: 'syncline' });
  });

  it('never clears a custom field: a connector namespace is not one value', () => {
    expect(mapTraits(mapping, { custom: { shop: { other: 'x' } } })).toEqual({
      source: 'syncline',
    });
  });
});
