import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signature checks over the raw body bytes, exactly as the platforms sign them. Every
 * comparison is constant-time over equal-length buffers, and every listed secret is tried (two
 * during a rotation), so a caller learns nothing but "valid" or "not valid".
 */
export const hmacSha256 = (secret: string, data: Buffer | string): Buffer => createHmac('sha256', secret).update(data).digest();

/** Constant-time equality; buffers of different lengths are unequal (timingSafeEqual would throw). */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Shopify (`X-Shopify-Hmac-Sha256`) and WooCommerce (`X-WC-Webhook-Signature`): base64 of the
 * HMAC-SHA256 of the raw body keyed with the shared secret.
 */
export function verifyBase64Hmac(rawBody: Buffer, header: string | undefined, secrets: readonly string[]): boolean {
  const value = header?.trim() ?? '';
  if (!BASE64_SHA256.test(value)) return false;
  const given = Buffer.from(value, 'base64');
  let ok = false;
  for (const secret of secrets) ok = safeEqual(hmacSha256(secret, rawBody), given) || ok;
  return ok;
}

/** Replay window of the generic signature: older or future-dated timestamps are refused. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * The generic signature, Stripe style: `X-CRM-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`
 * where each v1 is the hex HMAC-SHA256 of `<t>.<raw body>`. Valid when `t` is within the tolerance
 * of `nowMs` (both ways) and any v1 matches any secret (a sender may sign with old and new).
 */
export function verifyCrmSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
  nowMs: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'the X-CRM-Signature header is missing' };
  let t: string | undefined;
  const given: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq < 0) continue;
    if (key === 't') t = value;
    else if (key === 'v1' && HEX_SHA256.test(value)) given.push(Buffer.from(value, 'hex'));
  }
  if (!t || !/^\d{1,12}$/.test(t)) return { ok: false, reason: 'the signature has no timestamp t=<unix seconds>' };
  if (given.length === 0) return { ok: false, reason: 'the signature has no v1=<hex HMAC-SHA256>' };
  const skew = Math.abs(nowMs / 1000 - Number(t));
  if (skew > toleranceSeconds) return { ok: false, reason: `the signature timestamp is more than ${toleranceSeconds} s away from now` };
  const payload = Buffer.concat([Buffer.from(`${t}.`, 'utf8'), rawBody]);
  let ok = false;
  for (const secret of secrets) {
    const expected = hmacSha256(secret, payload);
    for (const g of given) ok = safeEqual(expected, g) || ok;
  }
  return ok ? { ok: true, timestamp: Number(t) } : { ok: false, reason: 'no signature matches' };
}

/** What a sender puts in `X-CRM-Signature` (tests, docs/webhooks.md, and integrations written in TypeScript). */
export function signCrm(rawBody: Buffer | string, secret: string, timestampSeconds: number): string {
  const payload = Buffer.concat([Buffer.from(`${timestampSeconds}.`, 'utf8'), Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8')]);
  return `t=${timestampSeconds},v1=${hmacSha256(secret, payload).toString('hex')}`;
}
