import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Application-level encryption of a profile's personal fields (issue 7): name, email, phone,
 * birthday and external id are stored as `enc1:<base64url(iv | ciphertext | tag)>`, AES-256-GCM
 * under the brand's PII data key, with the customer id and field name as associated data (a value
 * copied to another profile or field does not decrypt). Lookups never need the plaintext: identity
 * items are keyed hashes (blind indexes, ./identity-hash.ts). In AWS the data key is a KMS data
 * key kept wrapped in the table (../runtime/kms-data-key.ts); locally it is derived from the local
 * identity key. Values written before encryption was on are read as they are and encrypted on the
 * next write of the profile.
 */
export const ENCRYPTED_PROFILE_FIELDS = ['name', 'email', 'phone', 'birthday', 'externalId'] as const;
const PREFIX = 'enc1:';

export class PiiCipher {
  constructor(private readonly key: Buffer | undefined) {
    if (key && key.length !== 32) throw new Error('the PII data key must be 32 bytes');
  }

  get ready(): boolean {
    return !!this.key;
  }

  encrypt(value: string, aad: string): string {
    if (!this.key) throw new Error('the PII data key is not loaded: this function cannot write personal data yet');
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([c.update(value, 'utf8'), c.final()]);
    return PREFIX + Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64url');
  }

  decrypt(value: string, aad: string): string {
    if (!value.startsWith(PREFIX)) return value;
    if (!this.key) throw new Error('the PII data key is not loaded yet');
    const raw = Buffer.from(value.slice(PREFIX.length), 'base64url');
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString('utf8');
  }
}

/** The local PII key: derived from the local identity key (never the same bytes). */
export function derivePiiKey(identityKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', identityKey, Buffer.from('crm-backend'), Buffer.from('pii-data-key-v1'), 32));
}

let installed: PiiCipher | undefined;

/** Installed by the composition root (buildDeps / getDeps); profiles are written in plain text until one is. */
export function installPiiCipher(cipher: PiiCipher | undefined): void {
  installed = cipher;
}

export function piiCipher(): PiiCipher | undefined {
  return installed;
}

export const isEncrypted = (v: unknown): boolean => typeof v === 'string' && v.startsWith(PREFIX);

/** The stored form of a profile: personal fields encrypted (when a cipher is installed). */
export function encryptProfile<T extends { id: string }>(c: T): T {
  const cipher = installed;
  if (!cipher?.ready) return c;
  const out: Record<string, unknown> = { ...c };
  for (const f of ENCRYPTED_PROFILE_FIELDS) {
    const v = out[f];
    if (typeof v === 'string' && !isEncrypted(v)) out[f] = cipher.encrypt(v, `${c.id}:${f}`);
  }
  return out as T;
}

/** A profile read from the table with its personal fields in plain text, in place. */
export function decryptProfile<T extends Record<string, unknown>>(item: T): T {
  const cipher = installed;
  const id = item.id as string;
  for (const f of ENCRYPTED_PROFILE_FIELDS) {
    const v = item[f];
    if (isEncrypted(v)) {
      if (!cipher) throw new Error('an encrypted profile was read, but no PII cipher is installed');
      (item as Record<string, unknown>)[f] = cipher.decrypt(v as string, `${id}:${f}`);
    }
  }
  return item;
}
