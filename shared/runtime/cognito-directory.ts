import { createHash, createHmac, type BinaryLike, type Hash, type Hmac } from 'node:crypto';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../domain/errors';
import type { Role } from '../domain/roles';
import type { UserDirectory } from './directory';

/**
 * The user directory on a Cognito user pool: the admin API over the AWS JSON 1.1 protocol, each
 * call a plain `fetch` signed with the SDK's SigV4 signer (as ./sqs-message-queue.ts talks to
 * SQS), so no Cognito SDK client is in any bundle. Throttling, 5xx, timeouts and network errors
 * are retried with full-jitter backoff; Cognito's errors become the API's: a person who exists
 * already 409, an unknown one 404, a bad parameter 400, a directory that stays throttled or down
 * 503 (retry later). Anything else (no such pool or group, access denied) is a deployment fault:
 * a plain error, logged and answered 500.
 *
 * The pool signs people in with their e-mail (CDK `signInAliases: { email: true }`), so the
 * invitation's Username is the address and Cognito's own username is the generated `sub`, which
 * every later call uses.
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

type Credentials = ReturnType<typeof fromEnv> | { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{ status: number; text(): Promise<string> }>;

export interface CognitoDirectoryOptions {
  credentials?: Credentials;
  /** Where to POST instead of `https://cognito-idp.<region>.amazonaws.com/` (tests). */
  endpoint?: string;
  fetch?: Fetch;
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

/** Cognito's error, with the code it named (`UsernameExistsException`, ...) and the HTTP status. */
export class CognitoError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'CognitoError';
  }
}

/** The directory did not answer in time or kept throttling: the caller may retry the same request. */
export class DirectoryUnavailableError extends DomainError {
  constructor(detail: string) {
    super(503, 'Directory unavailable', `The user directory is busy or unavailable (${detail}); retry the request shortly.`, { retryable: true });
  }
}

const RETRYABLE = /^(TooManyRequestsException|LimitExceededException|ThrottlingException|InternalErrorException|ServiceUnavailable|TimeoutError|NetworkingError)$/;

/** Maps a Cognito failure to the API's error (see the class comment). */
export function directoryError(err: CognitoError, what: { sub?: string; email?: string }): Error {
  switch (err.code) {
    case 'UsernameExistsException':
    case 'AliasExistsException':
      return new ConflictError('A person with this e-mail exists in the user directory already.', { reason: 'directory-exists' });
    case 'UserNotFoundException':
      return new NotFoundError('User', what.sub ?? what.email ?? 'unknown');
    case 'UnsupportedUserStateException':
      return new ConflictError('The person has signed in already: there is no pending invitation to resend.', { reason: 'invitation-accepted' });
    case 'InvalidParameterException':
    case 'InvalidPasswordException':
      return ValidationError.field('body', `the user directory refused the request: ${err.message.replace(/^.*?: \d+ \w+: /, '')}`);
    case 'CodeDeliveryFailureException':
      return new DomainError(502, 'Invitation not delivered', 'The user directory could not send the invitation e-mail; check the address and resend the invitation.', { reason: 'delivery' });
    default:
      return err.retryable ? new DirectoryUnavailableError(err.code) : err;
  }
}

export class CognitoDirectory implements UserDirectory {
  readonly kind = 'cognito' as const;
  private readonly region: string;
  private readonly signer: SignatureV4;

  constructor(
    private readonly userPoolId: string,
    private readonly options: CognitoDirectoryOptions = {},
  ) {
    const region = /^([a-z0-9-]+)_[A-Za-z0-9]+$/.exec(userPoolId)?.[1];
    if (!region) throw new Error(`${userPoolId} is not a user pool id (<region>_<id>)`);
    this.region = region;
    this.signer = new SignatureV4({ service: 'cognito-idp', region, credentials: options.credentials ?? fromEnv(), sha256: Sha256 as never, applyChecksum: false });
  }

  async createUser(input: { email: string; name: string }): Promise<{ sub: string; created: boolean }> {
    try {
      const res = await this.call<{ User?: { Attributes?: { Name: string; Value: string }[] } }>('AdminCreateUser', {
        UserPoolId: this.userPoolId,
        Username: input.email,
        UserAttributes: [
          { Name: 'email', Value: input.email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: input.name },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      });
      const sub = res.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      if (!sub) throw new Error('Cognito AdminCreateUser answered without the new user\'s sub');
      return { sub, created: true };
    } catch (e) {
      if (!(e instanceof CognitoError) || e.code !== 'UsernameExistsException') throw this.mapped(e, { email: input.email });
    }
    // Already in the pool: adopt them (their sub), send nothing.
    try {
      const got = await this.call<{ UserAttributes?: { Name: string; Value: string }[]; Username?: string }>('AdminGetUser', { UserPoolId: this.userPoolId, Username: input.email });
      const sub = got.UserAttributes?.find((a) => a.Name === 'sub')?.Value ?? got.Username;
      if (!sub) throw new Error('Cognito AdminGetUser answered without the user\'s sub');
      return { sub, created: false };
    } catch (e) {
      throw this.mapped(e, { email: input.email });
    }
  }

  async resendInvitation(input: { email: string; name: string }): Promise<void> {
    await this.run({ email: input.email }, 'AdminCreateUser', { UserPoolId: this.userPoolId, Username: input.email, MessageAction: 'RESEND', DesiredDeliveryMediums: ['EMAIL'] });
  }

  async setGroups(sub: string, change: { add: readonly Role[]; remove: readonly Role[] }): Promise<void> {
    for (const group of change.add) await this.run({ sub }, 'AdminAddUserToGroup', { UserPoolId: this.userPoolId, Username: sub, GroupName: group });
    for (const group of change.remove) await this.run({ sub }, 'AdminRemoveUserFromGroup', { UserPoolId: this.userPoolId, Username: sub, GroupName: group });
  }

  async updateName(sub: string, name: string): Promise<void> {
    await this.run({ sub }, 'AdminUpdateUserAttributes', { UserPoolId: this.userPoolId, Username: sub, UserAttributes: [{ Name: 'name', Value: name }] });
  }

  async disable(sub: string): Promise<void> {
    await this.run({ sub }, 'AdminDisableUser', { UserPoolId: this.userPoolId, Username: sub });
    await this.run({ sub }, 'AdminUserGlobalSignOut', { UserPoolId: this.userPoolId, Username: sub });
  }

  async enable(sub: string): Promise<void> {
    await this.run({ sub }, 'AdminEnableUser', { UserPoolId: this.userPoolId, Username: sub });
  }

  private mapped(e: unknown, what: { sub?: string; email?: string }): unknown {
    return e instanceof CognitoError ? directoryError(e, what) : e;
  }

  private async run(what: { sub?: string; email?: string }, action: string, body: Record<string, unknown>): Promise<void> {
    try {
      await this.call(action, body);
    } catch (e) {
      throw this.mapped(e, what);
    }
  }

  /** One admin API call, retried on throttling, 5xx, timeouts and network errors. */
  async call<T = Record<string, unknown>>(action: string, body: Record<string, unknown>): Promise<T> {
    const { fetch: fetchFn = fetch as unknown as Fetch, attempts = 3, backoffMs = 100, timeoutMs = 5_000 } = this.options;
    const endpoint = new URL(this.options.endpoint ?? `https://cognito-idp.${this.region}.amazonaws.com/`);
    const payload = JSON.stringify(body);
    const request = {
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: endpoint.pathname,
      query: {},
      headers: { host: endpoint.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` },
      body: payload,
    };
    for (let attempt = 1; ; attempt++) {
      let failure: CognitoError;
      const signed = (await this.signer.sign(request as never)) as unknown as { headers: Record<string, string> };
      const { host: _host, ...headers } = signed.headers;
      try {
        const res = await fetchFn(endpoint.href, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(timeoutMs) });
        const text = await res.text();
        if (res.status >= 200 && res.status < 300) return (text ? JSON.parse(text) : {}) as T;
        failure = answerError(action, res.status, text);
      } catch (err) {
        if (err instanceof CognitoError) throw err;
        const e = err as Error;
        const code = e.name === 'TimeoutError' ? 'TimeoutError' : 'NetworkingError';
        failure = new CognitoError(`Cognito ${action} failed: ${code === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e.message}`, code, undefined, true);
      }
      if (!failure.retryable || attempt >= attempts) throw failure;
      await new Promise((r) => setTimeout(r, Math.random() * backoffMs * 2 ** (attempt - 1)));
    }
  }
}

/** `{"__type":"UsernameExistsException","message":"..."}` (the type may carry a `namespace#` prefix). */
function answerError(action: string, status: number, text: string): CognitoError {
  let type = '';
  let message = '';
  try {
    const json = JSON.parse(text) as { __type?: unknown; message?: unknown; Message?: unknown };
    if (typeof json.__type === 'string') type = json.__type;
    const m = json.message ?? json.Message;
    if (typeof m === 'string') message = m;
  } catch {
    message = text.slice(0, 200);
  }
  const code = type.split('#').pop() || `HTTP${status}`;
  return new CognitoError(`Cognito ${action} failed: ${status} ${code}${message ? `: ${message}` : ''}`, code, status, status >= 500 || status === 429 || RETRYABLE.test(code));
}
