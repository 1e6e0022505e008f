import {
  assignDefined,
  cleanText,
  type CanonicalAddress,
  type CanonicalTraits,
  type MappedRecord,
} from '../../src/connector-sdk';
import { toCountryCode } from './country-code';
import type { HubspotContact, HubspotProperties } from './types';

/**
 * HubSpot contact → canonical record. A property HubSpot returned as null or "" means "empty"
 * (null); a property absent from the payload means "HubSpot said nothing" (key left out).
 */
export function mapContact(raw: HubspotContact): MappedRecord {
  const p = raw.properties ?? {};
  const traits: CanonicalTraits = {};
  assignDefined(traits, 'email', text(p, 'email'));
  assignDefined(traits, 'phone', text(p, 'phone'));
  assignDefined(traits, 'firstName', text(p, 'firstname'));
  assignDefined(traits, 'lastName', text(p, 'lastname'));
  assignDefined(traits, 'company', text(p, 'company'));
  assignDefined(traits, 'jobTitle', text(p, 'jobtitle'));
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
  assignDefined(address, 'line1', text(p, 'address'));
  assignDefined(address, 'city', text(p, 'city'));
  assignDefined(address, 'region', text(p, 'state'));
  assignDefined(address, 'postalCode', text(p, 'zip'));
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

/** A requested property HubSpot left out is "unknown"; one it returned as null is empty. */
function text(p: HubspotProperties, name: string): string | null | undefined {
  if (!(name in p)) return undefined;
  const value = p[name];
  return cleanText(value === null || value === undefined ? null : String(value));
}
