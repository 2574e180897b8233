import { createHash, createHmac, type BinaryLike, type Hash, type Hmac } from 'node:crypto';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../store/client';
import { PII_KEYRING_KEY } from '../store/keys';

/**
 * The PII data key in AWS (issue 7): a KMS data key (AES-256) generated once under the brand's
 * customer-managed key, kept only in wrapped form in the table (one keyring item), unwrapped by
 * KMS Decrypt at each cold start with the encryption context `purpose=crm-pii`. Whoever needs it
 * first creates it (a conditional put; a loser of the race reads the winner's). Functions with
 * read-only table access do not create it: until it exists there is nothing encrypted to read.
 * KMS is called with a SigV4-signed fetch (JSON 1.1), no SDK client in the bundle.
 */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: BinaryLike) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

export type KmsFetch = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{ status: number; text(): Promise<string> }>;
const CONTEXT = { purpose: 'crm-pii' };

export async function kmsCall(region: string, target: 'GenerateDataKey' | 'Decrypt', body: Record<string, unknown>, fetchFn: KmsFetch = fetch as unknown as KmsFetch): Promise<Record<string, unknown>> {
  const host = `kms.${region}.amazonaws.com`;
  const payload = JSON.stringify(body);
  const signer = new SignatureV4({ service: 'kms', region, credentials: fromEnv(), sha256: Sha256 as never, applyChecksum: false });
  for (let attempt = 1; ; attempt++) {
    const signed = (await signer.sign({ method: 'POST', protocol: 'https:', hostname: host, path: '/', query: {}, headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${target}` }, body: payload } as never)) as unknown as { headers: Record<string, string> };
    const { host: _h, ...headers } = signed.headers;
    const res = await fetchFn(`https://${host}/`, { method: 'POST', headers, body: payload });
    const text = await res.text();
    if (res.status >= 200 && res.status < 300) return JSON.parse(text) as Record<string, unknown>;
    const retryable = res.status >= 500 || /Throttl/i.test(text);
    if (!retryable || attempt >= 3) throw new Error(`KMS ${target} failed: ${res.status} ${text.slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 100 * 2 ** attempt * Math.random()));
  }
}

/** The unwrapped PII key, or undefined when it does not exist yet and this function may not create it. */
export async function loadKmsDataKey(db: Db, keyArn: string, canCreate: boolean, region = process.env.AWS_REGION ?? 'us-east-1', fetchFn?: KmsFetch): Promise<Buffer | undefined> {
  const read = async () => (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: PII_KEYRING_KEY, ConsistentRead: true }))).Item?.wrapped as string | undefined;
  let wrapped = await read();
  if (!wrapped) {
    if (!canCreate) return undefined;
    const made = await kmsCall(region, 'GenerateDataKey', { KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: CONTEXT }, fetchFn);
    try {
      await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...PII_KEYRING_KEY, entity: 'keyring', wrapped: made.CiphertextBlob, keyArn, createdAt: new Date().toISOString() }, ConditionExpression: 'attribute_not_exists(PK)' }));
      return Buffer.from(made.Plaintext as string, 'base64');
    } catch (e) {
      if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
      wrapped = await read();
    }
  }
  const plain = await kmsCall(region, 'Decrypt', { CiphertextBlob: wrapped, KeyId: keyArn, EncryptionContext: CONTEXT }, fetchFn);
  return Buffer.from(plain.Plaintext as string, 'base64');
}
