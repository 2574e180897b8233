import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../shared/domain/errors';
import { CognitoDirectory, CognitoError, DirectoryUnavailableError } from '../../shared/runtime/cognito-directory';
import { userDirectory } from '../../shared/runtime/directory';

/**
 * The Cognito adapter is a SigV4-signed `fetch` speaking the AWS JSON 1.1 admin API (no Cognito SDK
 * client in the bundle): a scripted fetch records each request, the signature is checked by signing
 * the recorded request again, and Cognito's errors must come out as the API's (409, 404, 400, 503).
 */
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token' };
const POOL = 'eu-central-1_AbC123xyz';

type Sent = { url: string; headers: Record<string, string>; body: string; target: string; json: Record<string, unknown> };
type Answer = { status: number; body?: unknown } | Error;

function directory(answers: Answer[]) {
  const sent: Sent[] = [];
  const fetch = async (url: string, init: { headers: Record<string, string>; body: string }) => {
    sent.push({ url, headers: init.headers, body: init.body, target: init.headers['x-amz-target']!, json: JSON.parse(init.body) });
    const a = answers.shift() ?? { status: 200, body: {} };
    if (a instanceof Error) throw a;
    return { status: a.status, text: async () => (a.body === undefined ? '' : JSON.stringify(a.body)) };
  };
  return { sent, dir: new CognitoDirectory(POOL, { credentials, fetch, backoffMs: 1, attempts: 3 }) };
}

class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

async function expectValidSignature(s: Sent): Promise<void> {
  const auth = s.headers.authorization!;
  const signed = /SignedHeaders=([^,]+)/.exec(auth)![1]!.split(';');
  const host = new URL(s.url).host;
  const headers = Object.fromEntries(signed.map((h) => [h, h === 'host' ? host : s.headers[h]!]));
  const signingDate = new Date(s.headers['x-amz-date']!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const signer = new SignatureV4({ service: 'cognito-idp', region: 'eu-central-1', credentials, sha256: Sha256 as never, applyChecksum: false });
  const again = (await signer.sign({ method: 'POST', protocol: 'https:', hostname: host, path: '/', query: {}, headers, body: s.body } as never, { signingDate })) as unknown as { headers: Record<string, string> };
  expect(auth).toBe(again.headers.authorization);
}

const created = { status: 200, body: { User: { Username: 'u-1', Attributes: [{ Name: 'sub', Value: 'b1c2-sub' }, { Name: 'email', Value: 'amy@example.com' }] } } };

describe('CognitoDirectory requests', () => {
  it('invites with AdminCreateUser: the e-mail as username, verified, the name, an e-mail invitation; signed for the pool region', async () => {
    const { sent, dir } = directory([created]);
    expect(await dir.createUser({ email: 'amy@example.com', name: 'Amy' })).toEqual({ sub: 'b1c2-sub', created: true });
    expect(sent).toHaveLength(1);
    const s = sent[0]!;
    expect(s.url).toBe('https://cognito-idp.eu-central-1.amazonaws.com/');
    expect(s.target).toBe('AWSCognitoIdentityProviderService.AdminCreateUser');
    expect(s.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(s.headers['x-amz-security-token']).toBe('session/token');
    expect(s.json).toEqual({
      UserPoolId: POOL,
      Username: 'amy@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'amy@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: 'Amy' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(s.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/cognito-idp\/aws4_request, SignedHeaders=[a-z;-]*x-amz-target[a-z;-]*, Signature=[0-9a-f]{64}$/);
    await expectValidSignature(s);
  });

  it('adopts a person already in the pool (AdminGetUser by e-mail) instead of failing', async () => {
    const { sent, dir } = directory([{ status: 400, body: { __type: 'UsernameExistsException', message: 'An account with the given email already exists.' } }, { status: 200, body: { Username: 'x', UserAttributes: [{ Name: 'sub', Value: 'old-sub' }] } }]);
    expect(await dir.createUser({ email: 'amy@example.com', name: 'Amy' })).toEqual({ sub: 'old-sub', created: false });
    expect(sent.map((s) => s.target.split('.')[1])).toEqual(['AdminCreateUser', 'AdminGetUser']);
    expect(sent[1]!.json).toEqual({ UserPoolId: POOL, Username: 'amy@example.com' });
  });

  it('adds and removes one group per role, disables with a global sign-out, enables, renames, resends', async () => {
    const { sent, dir } = directory([]);
    await dir.setGroups('sub-1', { add: ['agent', 'manager'], remove: ['sales'] });
    await dir.disable('sub-1');
    await dir.enable('sub-1');
    await dir.updateName('sub-1', 'Amy Lee');
    await dir.resendInvitation({ email: 'amy@example.com', name: 'Amy' });
    expect(sent.map((s) => [s.target.split('.')[1], s.json])).toEqual([
      ['AdminAddUserToGroup', { UserPoolId: POOL, Username: 'sub-1', GroupName: 'agent' }],
      ['AdminAddUserToGroup', { UserPoolId: POOL, Username: 'sub-1', GroupName: 'manager' }],
      ['AdminRemoveUserFromGroup', { UserPoolId: POOL, Username: 'sub-1', GroupName: 'sales' }],
      ['AdminDisableUser', { UserPoolId: POOL, Username: 'sub-1' }],
      ['AdminUserGlobalSignOut', { UserPoolId: POOL, Username: 'sub-1' }],
      ['AdminEnableUser', { UserPoolId: POOL, Username: 'sub-1' }],
      ['AdminUpdateUserAttributes', { UserPoolId: POOL, Username: 'sub-1', UserAttributes: [{ Name: 'name', Value: 'Amy Lee' }] }],
      ['AdminCreateUser', { UserPoolId: POOL, Username: 'amy@example.com', MessageAction: 'RESEND', DesiredDeliveryMediums: ['EMAIL'] }],
    ]);
  });

  it('refuses an id that is not a user pool id', () => {
    expect(() => new CognitoDirectory('my-pool', { credentials })).toThrow('user pool id');
  });
});

describe('CognitoDirectory errors', () => {
  const fail = (type: string, status = 400) => ({ status, body: { __type: type, message: `${type} says no` } });

  it.each([
    ['UserNotFoundException', NotFoundError, 404],
    ['UnsupportedUserStateException', ConflictError, 409],
    ['AliasExistsException', ConflictError, 409],
    ['InvalidParameterException', ValidationError, 400],
    ['CodeDeliveryFailureException', DomainError, 502],
  ] as const)('%s → %s %i', async (type, cls, status) => {
    const { dir } = directory([fail(type)]);
    const err = await dir.disable('sub-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect((err as DomainError).status).toBe(status);
  });

  it('maps UsernameExistsException outside an invite to 409', async () => {
    const { dir } = directory([fail('UsernameExistsException')]);
    await expect(dir.resendInvitation({ email: 'a@example.com', name: 'A' })).rejects.toMatchObject({ status: 409 });
  });

  it('retries throttling, 5xx and network errors, then answers 503 (retry later)', async () => {
    const recovered = directory([fail('TooManyRequestsException'), new TypeError('fetch failed'), { status: 200, body: {} }]);
    await recovered.dir.enable('sub-1');
    expect(recovered.sent).toHaveLength(3);

    const down = directory([fail('InternalErrorException', 500), fail('InternalErrorException', 500), fail('InternalErrorException', 500)]);
    const err = await down.dir.enable('sub-1').catch((e: unknown) => e);
    expect(down.sent).toHaveLength(3);
    expect(err).toBeInstanceOf(DirectoryUnavailableError);
    expect((err as DomainError).status).toBe(503);
  });

  it('does not retry a client error, and leaves deployment faults (no such pool, access denied) as plain errors (500)', async () => {
    const { sent, dir } = directory([fail('ResourceNotFoundException')]);
    const err = await dir.setGroups('sub-1', { add: ['agent'], remove: [] }).catch((e: unknown) => e);
    expect(sent).toHaveLength(1);
    expect(err).toBeInstanceOf(CognitoError);
    expect(err).not.toBeInstanceOf(DomainError);
    expect((err as CognitoError).message).toContain('AdminAddUserToGroup failed: 400 ResourceNotFoundException');
    const denied = directory([{ status: 400, body: { __type: 'com.amazonaws#AccessDeniedException', message: 'no' } }]);
    await expect(denied.dir.enable('s')).rejects.toMatchObject({ code: 'AccessDeniedException' });
  });
});

describe('userDirectory', () => {
  it('is Cognito where CDK set the pool id, the local directory elsewhere', async () => {
    expect((await userDirectory({ ids: { uuid: () => 'u' } }, { CRM_USER_POOL_ID: POOL, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' })).kind).toBe('cognito');
    const local = await userDirectory({ ids: { uuid: () => 'generated-sub' } }, {});
    expect(local.kind).toBe('local');
    expect(await local.createUser({ email: 'a@example.com', name: 'A' })).toEqual({ sub: 'generated-sub', created: true });
  });
});
