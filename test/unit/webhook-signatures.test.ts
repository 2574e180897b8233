import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeEqual, signCrm, SIGNATURE_TOLERANCE_SECONDS, verifyBase64Hmac, verifyCrmSignature } from '../../shared/http/webhook-signatures';

/** Signature checks over raw bytes, with vectors computed outside this code (openssl). */
const fixture = readFileSync(join(__dirname, '..', 'fixtures', 'shopify', 'orders-create.json'));
const SHOPIFY_SECRET = 'shpss_test_secret_2024';
// openssl dgst -sha256 -hmac shpss_test_secret_2024 -binary test/fixtures/shopify/orders-create.json | base64
const SHOPIFY_SIGNATURE = 'gCVugFyoZLSksQ+CmQQ9aGpsHQPfX2mbZG/dOyl6VIM=';

const b64 = (secret: string, body: Buffer | string) => createHmac('sha256', secret).update(body).digest('base64');

describe('Shopify / WooCommerce: base64 HMAC-SHA256 of the raw body', () => {
  it('accepts the real Shopify fixture signed as Shopify signs it', () => {
    expect(verifyBase64Hmac(fixture, SHOPIFY_SIGNATURE, [SHOPIFY_SECRET])).toBe(true);
  });

  it('refuses a tampered body: one byte changed, a re-serialized JSON, a trailing newline dropped', () => {
    const flipped = Buffer.from(fixture);
    flipped[100] = flipped[100]! ^ 1;
    expect(verifyBase64Hmac(flipped, SHOPIFY_SIGNATURE, [SHOPIFY_SECRET])).toBe(false);
    expect(verifyBase64Hmac(Buffer.from(JSON.stringify(JSON.parse(fixture.toString('utf8')))), SHOPIFY_SIGNATURE, [SHOPIFY_SECRET])).toBe(false);
    expect(verifyBase64Hmac(fixture.subarray(0, fixture.length - 1), SHOPIFY_SIGNATURE, [SHOPIFY_SECRET])).toBe(false);
  });

  it('refuses another secret, and a missing or empty header', () => {
    expect(verifyBase64Hmac(fixture, SHOPIFY_SIGNATURE, ['another-secret'])).toBe(false);
    expect(verifyBase64Hmac(fixture, undefined, [SHOPIFY_SECRET])).toBe(false);
    expect(verifyBase64Hmac(fixture, '', [SHOPIFY_SECRET])).toBe(false);
    expect(verifyBase64Hmac(fixture, SHOPIFY_SIGNATURE, [])).toBe(false);
  });

  it('refuses headers of the wrong length or alphabet without throwing', () => {
    for (const header of [
      SHOPIFY_SIGNATURE.slice(0, -4), // 30 bytes
      `${SHOPIFY_SIGNATURE.slice(0, -1)}A=`, // too long
      Buffer.from(SHOPIFY_SIGNATURE, 'base64').toString('hex'), // hex instead of base64
      Buffer.concat([Buffer.from(SHOPIFY_SIGNATURE, 'base64'), Buffer.alloc(1)]).toString('base64'), // 33 bytes with the right prefix
      SHOPIFY_SIGNATURE.replace('+', '-'), // base64url
    ]) {
      expect({ header, ok: verifyBase64Hmac(fixture, header, [SHOPIFY_SECRET]) }).toEqual({ header, ok: false });
    }
  });

  it('accepts either secret during a rotation, and only those', () => {
    const body = Buffer.from('{"id":1,"status":"processing"}');
    const rotation = ['new-secret', 'old-secret'];
    expect(verifyBase64Hmac(body, b64('old-secret', body), rotation)).toBe(true);
    expect(verifyBase64Hmac(body, b64('new-secret', body), rotation)).toBe(true);
    expect(verifyBase64Hmac(body, b64('older-secret', body), rotation)).toBe(false);
  });

  it('checks WooCommerce signatures the same way, over bytes that are not ASCII', () => {
    const body = Buffer.from('{"id":42,"billing":{"first_name":"Zoë","city":"上海"}}', 'utf8');
    expect(verifyBase64Hmac(body, b64('wc-secret', body), ['wc-secret'])).toBe(true);
    expect(verifyBase64Hmac(body, b64('wc-secret', body.toString('latin1')), ['wc-secret'])).toBe(false);
  });

  it('compares in constant time only buffers of equal length', () => {
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
  });
});

describe('generic: X-CRM-Signature t=<seconds>,v1=<hex HMAC of "t.body">', () => {
  const body = Buffer.from('{"id":"evt_1","type":"order.upsert"}');
  const T = 1_700_000_000;
  const NOW = T * 1000;
  // printf '1700000000.{"id":"evt_1","type":"order.upsert"}' | openssl dgst -sha256 -hmac generic-secret -hex
  const V1 = '8fde328fbbf11618c492fff9606d61e2827dde7c320bc4de2a4b5fc05eb5a262';

  it('accepts the known vector, and signCrm produces it', () => {
    expect(signCrm(body, 'generic-secret', T)).toBe(`t=${T},v1=${V1}`);
    expect(verifyCrmSignature(body, `t=${T},v1=${V1}`, ['generic-secret'], NOW)).toEqual({ ok: true, timestamp: T });
    expect(verifyCrmSignature(body, ` t=${T} , v1=${V1.toUpperCase()} `, ['generic-secret'], NOW).ok).toBe(true);
  });

  it.each([
    ['exactly 5 minutes old', -SIGNATURE_TOLERANCE_SECONDS, true],
    ['5 minutes and 1 second old', -SIGNATURE_TOLERANCE_SECONDS - 1, false],
    ['an hour old', -3600, false],
    ['5 minutes in the future', SIGNATURE_TOLERANCE_SECONDS, true],
    ['5 minutes and 1 second in the future', SIGNATURE_TOLERANCE_SECONDS + 1, false],
  ])('a signature %s: %s', (_label, offsetSeconds, ok) => {
    const t = T + offsetSeconds;
    const res = verifyCrmSignature(body, signCrm(body, 'generic-secret', t), ['generic-secret'], NOW);
    expect(res.ok).toBe(ok);
    if (!res.ok) expect(res.reason).toMatch(/timestamp/);
  });

  it('accepts any of several v1 entries, with any listed secret (rotation on both sides)', () => {
    const old = signCrm(body, 'old', T).split(',')[1];
    const fresh = signCrm(body, 'new', T).split(',')[1];
    expect(verifyCrmSignature(body, `t=${T},${old},${fresh}`, ['new'], NOW).ok).toBe(true);
    expect(verifyCrmSignature(body, `t=${T},v1=${'0'.repeat(64)},${old}`, ['new', 'old'], NOW).ok).toBe(true);
    expect(verifyCrmSignature(body, `t=${T},${old}`, ['new'], NOW).ok).toBe(false);
  });

  it('binds the timestamp: a signature moved to another t is refused', () => {
    expect(verifyCrmSignature(body, `t=${T + 1},v1=${V1}`, ['generic-secret'], NOW)).toEqual({ ok: false, reason: 'no signature matches' });
  });

  it('refuses a tampered body', () => {
    expect(verifyCrmSignature(Buffer.from('{"id":"evt_1","type":"order.upsert "}'), `t=${T},v1=${V1}`, ['generic-secret'], NOW).ok).toBe(false);
  });

  it.each([
    ['missing', undefined, /missing/],
    ['empty', '', /missing/],
    ['no timestamp', `v1=${V1}`, /timestamp/],
    ['a non-numeric timestamp', `t=abc,v1=${V1}`, /timestamp/],
    ['no v1', `t=${T}`, /v1/],
    ['a v1 of the wrong length', `t=${T},v1=${V1.slice(2)}`, /v1/],
    ['a v1 that is not hex', `t=${T},v1=${'z'.repeat(64)}`, /v1/],
    ['only another scheme', `t=${T},v0=${V1}`, /v1/],
  ])('refuses a header with %s', (_label, header, reason) => {
    const res = verifyCrmSignature(body, header, ['generic-secret'], NOW);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.reason).toMatch(reason);
  });
});
