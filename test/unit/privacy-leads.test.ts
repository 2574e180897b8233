import type { Lead } from '../../shared/domain/sales/lead';
import { decryptFollowUp, decryptLead, encryptFollowUp, encryptLead, LEAD_PII_FIELDS } from '../../shared/store/lead-pii';
import { derivePiiKey, installPiiCipher, isEncrypted, PiiCipher } from '../../shared/store/pii-cipher';
import { anonymizedLead, hasLeadPersonalData } from '../../shared/usecases/privacy/leads';

const lead: Lead = {
  id: 'L1',
  status: 'contacted',
  sourceChannel: 'website-form',
  company: 'Hangzhou Kitchen Supply',
  contactName: '陈静',
  title: 'Purchasing manager',
  phone: '+8613700001111',
  email: 'chen.jing@example.com',
  wechat: 'chenjing88',
  region: 'East China',
  needs: 'Chen wants 300 kettles a month',
  disqualifyNote: 'call Chen back in May',
  ownerId: 'amy',
  followUpCount: 2,
  conversion: { customerId: 'C1', contactId: 'C2', at: '2026-05-12T02:00:00.000Z', by: 'amy' },
  createdBy: 'amy',
  createdAt: '2026-05-01T02:00:00.000Z',
  updatedAt: '2026-05-12T02:00:00.000Z',
  version: 7,
};

describe('encryption of a lead and its follow-ups', () => {
  afterEach(() => installPiiCipher(undefined));

  it('encrypts exactly the personal fields and reads them back', () => {
    installPiiCipher(new PiiCipher(derivePiiKey(Buffer.alloc(32, 7))));
    const stored = encryptLead(lead);
    for (const f of LEAD_PII_FIELDS) expect(isEncrypted(stored[f])).toBe(true);
    expect(JSON.stringify(stored)).not.toMatch(/陈静|chen\.jing|13700001111|chenjing88|Purchasing|kettles|call Chen/i);
    expect(stored).toMatchObject({ company: 'Hangzhou Kitchen Supply', region: 'East China', ownerId: 'amy', status: 'contacted' });
    expect(decryptLead({ ...stored } as unknown as Record<string, unknown>)).toEqual(lead);
    expect(encryptLead(stored)).toEqual(stored); // never twice
  });

  it('binds a value to its lead and field: moved elsewhere, it does not decrypt', () => {
    installPiiCipher(new PiiCipher(derivePiiKey(Buffer.alloc(32, 7))));
    const stored = encryptLead(lead);
    expect(() => decryptLead({ ...stored, id: 'L2' } as unknown as Record<string, unknown>)).toThrow();
    expect(() => decryptLead({ ...stored, phone: stored.email } as unknown as Record<string, unknown>)).toThrow();
    const f = encryptFollowUp({ id: 'F1', leadId: 'L1', summary: 'Called 陈静' });
    expect(isEncrypted(f.summary)).toBe(true);
    expect(decryptFollowUp({ ...f, leadId: 'L9' })).toMatchObject({ summary: 'Called 陈静' }); // a merge moves it: same follow-up
    expect(() => decryptFollowUp({ ...f, id: 'F2' })).toThrow();
  });

  it('reads plain values (written before encryption) as they are; writes plain text while no key is installed', () => {
    expect(encryptLead(lead)).toEqual(lead);
    installPiiCipher(new PiiCipher(derivePiiKey(Buffer.alloc(32, 7))));
    expect(decryptLead({ ...lead } as unknown as Record<string, unknown>)).toEqual(lead);
    installPiiCipher(undefined);
    expect(() => decryptLead({ id: 'L1', email: 'enc1:AAAA' })).toThrow(/no PII cipher/);
  });
});

describe('the lead an erasure leaves', () => {
  it('drops the contact, needs and note, keeps what the pipeline counts, and marks it erased', () => {
    const after = anonymizedLead(lead, '2026-06-01T00:00:00.000Z');
    for (const f of LEAD_PII_FIELDS) expect(after).not.toHaveProperty(f);
    expect(after).toMatchObject({ id: 'L1', company: 'Hangzhou Kitchen Supply', status: 'contacted', region: 'East China', ownerId: 'amy', conversion: lead.conversion, followUpCount: 2, erasedAt: '2026-06-01T00:00:00.000Z', updatedAt: '2026-06-01T00:00:00.000Z', version: 8 });
    expect(hasLeadPersonalData(lead)).toBe(true);
    expect(hasLeadPersonalData(after)).toBe(false);
    expect(lead.email).toBe('chen.jing@example.com'); // the input is not changed
  });
});
