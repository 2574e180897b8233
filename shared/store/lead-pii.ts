import { isEncrypted, piiCipher } from './pii-cipher';

/**
 * Application-level encryption of a lead's personal data (issue 7 over the sales pipeline), with
 * the cipher the customer profiles use (./pii-cipher.ts: AES-256-GCM under the PII data key):
 * the contact's name, job title, phone, email and WeChat id, the free-text needs and
 * disqualification note of the lead, and a follow-up's summary. The associated data names the
 * record and the field (`lead:<id>:<field>`, `lead-follow-up:<id>:<field>`), so a value copied to
 * another record or field does not decrypt. The company, region, industry, product line and
 * everything the pipeline keys, filters or counts on stay readable: a company is not a person.
 * Values written before encryption was on are read as they are and encrypted at the next write
 * (a follow-up is never rewritten: an old one stays as it was until an erasure blanks it).
 */
export const LEAD_PII_FIELDS = ['contactName', 'title', 'phone', 'email', 'wechat', 'needs', 'disqualifyNote'] as const;
export const FOLLOW_UP_PII_FIELDS = ['summary'] as const;

const leadAad = (id: string, field: string) => `lead:${id}:${field}`;
const followUpAad = (id: string, field: string) => `lead-follow-up:${id}:${field}`;

function encryptFields<T extends object>(record: T, fields: readonly string[], aad: (field: string) => string): T {
  const cipher = piiCipher();
  if (!cipher?.ready) return record;
  const out: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  for (const f of fields) {
    const v = out[f];
    if (typeof v === 'string' && !isEncrypted(v)) out[f] = cipher.encrypt(v, aad(f));
  }
  return out as T;
}

/** Decrypts in place what is encrypted; plain values (written before encryption) stay as they are. */
function decryptFields<T extends object>(record: T, fields: readonly string[], aad: (field: string) => string): T {
  const rec = record as Record<string, unknown>;
  for (const f of fields) {
    const v = rec[f];
    if (!isEncrypted(v)) continue;
    const cipher = piiCipher();
    if (!cipher) throw new Error('an encrypted lead was read, but no PII cipher is installed');
    rec[f] = cipher.decrypt(v as string, aad(f));
  }
  return record;
}

/** The stored form of a lead: its personal fields encrypted (when a cipher is installed). */
export const encryptLead = <T extends { id: string }>(lead: T): T => encryptFields(lead, LEAD_PII_FIELDS, (f) => leadAad(lead.id, f));
/** A lead item read from the table, with its personal fields in plain text (in place). */
export const decryptLead = <T extends Record<string, unknown>>(item: T): T => decryptFields(item, LEAD_PII_FIELDS, (f) => leadAad(item.id as string, f));
export const encryptFollowUp = <T extends { id: string }>(f: T): T => encryptFields(f, FOLLOW_UP_PII_FIELDS, (field) => followUpAad(f.id, field));
export const decryptFollowUp = <T extends Record<string, unknown>>(item: T): T => decryptFields(item, FOLLOW_UP_PII_FIELDS, (field) => followUpAad(item.id as string, field));
