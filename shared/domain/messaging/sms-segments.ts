/**
 * How many SMS parts a text costs. A text in the GSM 03.38 alphabet is GSM-7: 160 septets in one
 * part, 153 per part when split (the rest is the concatenation header); the extension characters
 * (`^{}\[~]|€` and form feed) take two septets and are never split between parts. Any other
 * character (Chinese, emoji, …) makes the whole text UCS-2: 70 UTF-16 units in one part, 67 per
 * part when split, and a surrogate pair (an emoji) is never split. Pure.
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
  /** Units left in the last part before another part is needed. */
  remaining: number;
  /** Characters that forced UCS-2 (the first few), to help an editor drop them. */
  nonGsm: string[];
}

export function smsSegments(text: string): SmsSegments {
  const chars = [...text];
  const nonGsm = [...new Set(chars.filter((c) => !BASIC.has(c) && !EXTENDED.has(c)))];
  if (nonGsm.length === 0) {
    const sizes = chars.map((c) => (EXTENDED.has(c) ? 2 : 1));
    return pack('GSM-7', sizes, 160, 153, []);
  }
  return pack('UCS-2', chars.map((c) => c.length), 70, 67, nonGsm.slice(0, 10));
}

function pack(encoding: SmsEncoding, sizes: number[], single: number, part: number, nonGsm: string[]): SmsSegments {
  const units = sizes.reduce((a, b) => a + b, 0);
  if (units === 0) return { encoding, units, segments: 0, remaining: single, nonGsm };
  if (units <= single) return { encoding, units, segments: 1, remaining: single - units, nonGsm };
  let segments = 1;
  let used = 0;
  for (const s of sizes) {
    if (used + s > part) {
      segments++;
      used = 0;
    }
    used += s;
  }
  return { encoding, units, segments, remaining: part - used, nonGsm };
}
