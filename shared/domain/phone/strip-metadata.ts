/**
 * Phone metadata for parsing and validation only. libphonenumber-js's smallest official set
 * (`metadata.min.json`, 83 KB) still carries each country's formatting rules (index 4 of a country
 * entry), which E.164 normalization never uses; without them it is 34 KB, and every function that
 * reads a phone number is 50 KB lighter. `npm run phone-metadata` writes ./metadata.json from the
 * installed libphonenumber-js; a unit test checks that it is current and that it parses and
 * validates every example number exactly as the full `min` set does.
 */
type CountryEntry = unknown[];
export interface PhoneMetadata {
  version: number;
  country_calling_codes: Record<string, string[]>;
  countries: Record<string, CountryEntry>;
  nonGeographic?: Record<string, CountryEntry>;
}

const FORMATS = 4;
const strip = (entry: CountryEntry): CountryEntry => entry.map((v, i) => (i === FORMATS ? [] : v));

export function stripFormats(min: PhoneMetadata): PhoneMetadata {
  return {
    ...min,
    countries: Object.fromEntries(Object.entries(min.countries).map(([k, v]) => [k, strip(v)])),
    ...(min.nonGeographic ? { nonGeographic: Object.fromEntries(Object.entries(min.nonGeographic).map(([k, v]) => [k, strip(v)])) } : {}),
  };
}
