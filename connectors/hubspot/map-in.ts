import type { CanonicalAddress, CanonicalTraits, MappedRecord } from '../../src/connector-sdk';
import { toCountryCode } from './country-code';
import type { HubspotContact, HubspotProperties } from './types';

/**
 * HubSpot contact → canonical record. A property HubSpot returned as null or "" means "empty"
 * (null); a property absent from the payload means "HubSpot said nothing" (key left out).
 */
export function mapContact(raw: HubspotContact): MappedRecord {
  const p = raw.properties ?? {};
  const traits: CanonicalTraits = {};
  assign(traits, 'email', text(p, 'email'));
  assign(traits, 'phone', text(p, 'phone'));
  assign(traits, 'firstName', text(p, 'firstname'));
  assign(traits, 'lastName', text(p, 'lastname'));
  assign(traits, 'company', text(p, 'company'));
  assign(traits, 'jobTitle', text(p, 'jobtitle'));
  const address = mapAddress(p);
  if (address) traits.address = address;

  const lifecycleStage = text(p, 'lifecyclestage');
  const unknownCountry = countryWithoutCode(p);
  if (lifecycleStage !== undefined || unknownCountry !== undefined) {
    traits.custom = {
      hubspot: {
        ...(lifecycleStage !== undefined ? { lifecyclestage: lifecycleStage } : {}),
        ...(unknownCountry !== undefined ? { country: unknownCountry } : {}),
      },
    };
  }

  return {
    externalId: raw.id,
    updatedAt: updatedAt(raw),
    ...(raw.archived === true ? { deleted: true } : {}),
    traits,
  };
}

function mapAddress(p: HubspotProperties): CanonicalAddress | undefined {
  const address: CanonicalAddress = {};
  assign(address, 'line1', text(p, 'address'));
  assign(address, 'city', text(p, 'city'));
  assign(address, 'region', text(p, 'state'));
  assign(address, 'postalCode', text(p, 'zip'));
  const country = text(p, 'country');
  if (country === null) address.country = null;
  else if (country !== undefined) {
    const code = toCountryCode(country);
    if (code) address.country = code;
  }
  return Object.keys(address).length > 0 ? address : undefined;
}

/** A country HubSpot holds but we cannot express as ISO alpha-2: kept verbatim, not lost. */
function countryWithoutCode(p: HubspotProperties): string | undefined {
  const country = text(p, 'country');
  return country && !toCountryCode(country) ? country : undefined;
}

function updatedAt(raw: HubspotContact): string {
  const value = raw.updatedAt ?? raw.properties?.lastmodifieddate;
  const ms = value ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new Error(`HubSpot contact ${raw.id} has no usable updatedAt/lastmodifieddate`);
  }
  return new Date(ms).toISOString();
}

function text(p: HubspotProperties, name: string): string | null | undefined {
  if (!(name in p)) return undefined;
  const value = p[name];
  if (value === null || value === undefined) return null;
  const trimmed = String(value).trim();
  return trimmed === '' ? null : trimmed;
}

function assign<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}
