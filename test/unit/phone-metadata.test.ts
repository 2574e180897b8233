import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePhoneNumberWithError, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
import min from 'libphonenumber-js/metadata.min.json';
import examples from 'libphonenumber-js/examples.mobile.json';
import { stripFormats, type PhoneMetadata } from '../../shared/domain/phone/strip-metadata';
import { normalizePhone } from '../../shared/domain/identity';

const stripped = JSON.parse(readFileSync(join(__dirname, '../../shared/domain/phone/metadata.json'), 'utf8')) as MetadataJson;
const full = min as unknown as MetadataJson;

function read(raw: string, region: string | undefined, metadata: MetadataJson): string {
  try {
    const p = region ? parsePhoneNumberWithError(raw, region as CountryCode, metadata) : parsePhoneNumberWithError(raw, metadata);
    return `${p.number} ${p.isValid()}`;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('the parse-only phone metadata', () => {
  it('is what `npm run phone-metadata` makes of the installed libphonenumber-js (rerun it after an upgrade)', () => {
    expect(stripped).toEqual(JSON.parse(JSON.stringify(stripFormats(min as unknown as PhoneMetadata))));
  });

  const cases = Object.entries(examples as Record<string, string>);
  it(`reads every country's example number (${cases.length}) exactly as the full set does: national, international, and mangled`, () => {
    expect(cases.length).toBeGreaterThan(200);
    const differences: string[] = [];
    for (const [country, national] of cases) {
      const cc = (full as unknown as PhoneMetadata).countries[country]?.[0] as string;
      const forms: [string, string | undefined][] = [
        [national, country],
        [`0${national}`, country],
        [`+${cc} ${national}`, undefined],
        [`+${cc}${national.slice(0, -1)}`, undefined],
        [`00${cc}${national}`, 'US'],
      ];
      for (const [raw, region] of forms) {
        const a = read(raw, region, stripped);
        const b = read(raw, region, full);
        if (a !== b) differences.push(`${country} ${raw}: ${a} vs ${b}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('normalizes to E.164 with it', () => {
    expect(normalizePhone('138 1111 2222', 'CN')).toEqual({ ok: true, value: '+8613811112222' });
    expect(normalizePhone('+44 20 7946 0958', 'CN')).toEqual({ ok: true, value: '+442079460958' });
    expect(normalizePhone('12345', 'CN')).toMatchObject({ ok: false });
  });
});
