import { decryptProfile, derivePiiKey, encryptProfile, installPiiCipher, isEncrypted, PiiCipher } from '../../shared/store/pii-cipher';
import { kmsCall, loadKmsDataKey, type KmsFetch } from '../../shared/runtime/kms-data-key';

describe('application-level encryption of personal fields', () => {
  const key = derivePiiKey(Buffer.alloc(32, 7));
  const cipher = new PiiCipher(key);
  afterEach(() => installPiiCipher(undefined));

  it('derives a key distinct from the identity key', () => {
    expect(key).toHaveLength(32);
    expect(key.equals(Buffer.alloc(32, 7))).toBe(false);
  });

  it('round-trips, with a fresh IV each time', () => {
    const a = cipher.encrypt('jane@example.com', 'C1:email');
    const b = cipher.encrypt('jane@example.com', 'C1:email');
    expect(a).not.toBe(b);
    expect(a.startsWith('enc1:')).toBe(true);
    expect(a).not.toContain('jane');
    expect(cipher.decrypt(a, 'C1:email')).toBe('jane@example.com');
  });

  it('refuses a value moved to another customer or field, or tampered with', () => {
    const a = cipher.encrypt('jane@example.com', 'C1:email');
    expect(() => cipher.decrypt(a, 'C2:email')).toThrow();
    expect(() => cipher.decrypt(a, 'C1:phone')).toThrow();
    const tampered = a.slice(0, -2) + (a.endsWith('A') ? 'BB' : 'AA');
    expect(() => cipher.decrypt(tampered, 'C1:email')).toThrow();
    expect(() => new PiiCipher(key).decrypt(a, 'C1:email')).not.toThrow();
    expect(() => new PiiCipher(derivePiiKey(Buffer.alloc(32, 8))).decrypt(a, 'C1:email')).toThrow();
  });

  it('encrypts exactly the personal fields of a profile and reads them back', () => {
    installPiiCipher(cipher);
    const c = { id: 'C1', name: '王芳', email: 'fang@example.com', phone: '+8613812345678', birthday: '1990-04-05', externalId: 'E1', city: 'Hangzhou', tags: ['vip'] };
    const stored = encryptProfile(c);
    for (const f of ['name', 'email', 'phone', 'birthday', 'externalId'] as const) expect(isEncrypted(stored[f])).toBe(true);
    expect(stored.city).toBe('Hangzhou');
    expect(JSON.stringify(stored)).not.toMatch(/fang|王芳|13812345678|1990/);
    expect(decryptProfile({ ...stored })).toEqual(c);
  });

  it('reads values stored before encryption as they are', () => {
    installPiiCipher(cipher);
    expect(decryptProfile({ id: 'C1', email: 'old@example.com' })).toEqual({ id: 'C1', email: 'old@example.com' });
  });
});

describe('the KMS data key', () => {
  it('signs a JSON 1.1 call to KMS and retries throttling', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
    const answers = [{ status: 400, body: '{"__type":"ThrottlingException"}' }, { status: 200, body: '{"Plaintext":"AAAA"}' }];
    const fetchFn: KmsFetch = async (url, init) => {
      calls.push({ url, headers: init.headers, body: init.body });
      const a = answers.shift()!;
      return { status: a.status, text: async () => a.body };
    };
    const out = await kmsCall('eu-west-1', 'Decrypt', { CiphertextBlob: 'x', EncryptionContext: { purpose: 'crm-pii' } }, fetchFn);
    expect(out).toEqual({ Plaintext: 'AAAA' });
    expect(calls).toHaveLength(2);
    expect(calls[0]!.url).toBe('https://kms.eu-west-1.amazonaws.com/');
    expect(calls[0]!.headers['x-amz-target']).toBe('TrentService.Decrypt');
    expect(calls[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/kms\/aws4_request/);
    expect(JSON.parse(calls[0]!.body)).toEqual({ CiphertextBlob: 'x', EncryptionContext: { purpose: 'crm-pii' } });
  });

  it('fails at once on a refusal', async () => {
    const fetchFn: KmsFetch = async () => ({ status: 400, text: async () => '{"__type":"AccessDeniedException"}' });
    await expect(kmsCall('eu-west-1', 'Decrypt', {}, fetchFn)).rejects.toThrow(/AccessDenied/);
  });

  it('does not create the key from a read-only function', async () => {
    const db = { tableName: 't', doc: { send: async () => ({}) } } as never;
    await expect(loadKmsDataKey(db, 'arn:aws:kms:eu-west-1:1:key/k', false, 'eu-west-1', async () => { throw new Error('no KMS call expected'); })).resolves.toBeUndefined();
  });
});
