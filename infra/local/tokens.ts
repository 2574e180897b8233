import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { Role } from '../../shared/domain/roles';
import { INTEGRATION_SCOPE } from '../../shared/http/principal';

/**
 * Local secrets and tokens. The identity hash key and an ES256 key pair live in the state
 * directory (default `<repo>/.crm-local`), created on first use and kept, so a persisted table
 * (`--data`) still matches its identity index after a restart and minted tokens stay valid.
 * Tokens are shaped like Cognito access tokens; the HTTP server verifies them the way API
 * Gateway's JWT authorizer does (signature, issuer, audience/client_id, expiry).
 */
export const LOCAL_ISSUER = 'https://cognito-idp.local.invalid/crm-local';
export const LOCAL_CLIENT_ID = 'crm-local-app';
const ALG = 'ES256';

export interface LocalKeys {
  identityKey: Buffer;
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export const defaultStateDir = () => process.env.CRM_LOCAL_STATE_DIR ?? join(__dirname, '..', '..', '.crm-local');

function writeSecret(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
}

/** Loads the local secrets from `stateDir`, creating whichever is missing. */
export function loadOrCreateKeys(stateDir: string = defaultStateDir()): LocalKeys {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const idPath = join(stateDir, 'identity-key');
  const jwtPath = join(stateDir, 'jwt-es256.json');
  if (!existsSync(idPath)) writeSecret(idPath, randomBytes(32).toString('base64'));
  if (!existsSync(jwtPath)) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomUUID();
    const doc = { kid, privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: ALG }, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: ALG } };
    writeSecret(jwtPath, JSON.stringify(doc, null, 2));
  }
  const identityKey = Buffer.from(readFileSync(idPath, 'utf8').trim(), 'base64');
  if (identityKey.length < 16) throw new Error(`${idPath} does not hold a base64 key of at least 16 bytes`);
  const jwt = JSON.parse(readFileSync(jwtPath, 'utf8')) as { kid: string; privateJwk: JWK; publicJwk: JWK };
  return { identityKey, kid: jwt.kid, privateJwk: jwt.privateJwk, publicJwk: jwt.publicJwk };
}

export interface MintOptions {
  role: Role;
  sub?: string;
  ttlSeconds?: number;
  extraClaims?: Record<string, unknown>;
}

/** A Cognito-shaped access token for `role` (negative ttl gives an already expired token, for tests). */
export async function mintToken(keys: LocalKeys, opts: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const sub = opts.sub ?? `local-${opts.role}`;
  const key = await importJWK(keys.privateJwk, ALG);
  return new SignJWT({
    'cognito:groups': [opts.role],
    client_id: LOCAL_CLIENT_ID,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    username: sub,
    jti: randomUUID(),
    ...opts.extraClaims,
  })
    .setProtectedHeader({ alg: ALG, kid: keys.kid, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(LOCAL_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.ttlSeconds ?? 3600))
    .sign(key);
}

/**
 * Verifies like API Gateway's JWT authorizer: ES256 signature by the local key, issuer, expiry,
 * and the audience (`aud` when present, else the access token's `client_id`). Throws on failure.
 */
export async function verifyToken(keys: LocalKeys, token: string): Promise<JWTPayload> {
  const key = await importJWK(keys.publicJwk, ALG);
  const { payload } = await jwtVerify(token, key, { issuer: LOCAL_ISSUER, algorithms: [ALG], requiredClaims: ['exp', 'sub'] });
  const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const audienceOk = aud.length > 0 ? aud.includes(LOCAL_CLIENT_ID) : payload.client_id === LOCAL_CLIENT_ID || isMachineClientToken(payload);
  if (!audienceOk) throw new Error('token audience does not match this API');
  return payload;
}

/** Claims as API Gateway hands them to the function: every value a string, arrays as `[a b]`. */
export function flattenClaims(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) out[k] = `[${v.map(String).join(' ')}]`;
    else if (typeof v === 'object') out[k] = JSON.stringify(v);
    else out[k] = String(v);
  }
  return out;
}

// ---- Integration clients (issue 7): machine tokens of named app clients.

/**
 * A client-credentials access token of a machine client, shaped exactly like the one Cognito's
 * token endpoint issues to the stack's machine app clients: `sub` and `client_id` are the client's
 * id (no user, no `username`), **no `cognito:groups`**, and `scope: crm/integration`, which the HTTP
 * kernel maps to the integration role (shared/http/principal.ts). The local gateway accepts any
 * client of the local pool (as if the authorizer's audience listed every app client); what the
 * client may call is its grant (PUT /v1/integration-clients/{clientId}), and how often its
 * `ratePerMinute`.
 */
export async function mintClientToken(keys: LocalKeys, clientId: string, ttlSeconds = 3600): Promise<string> {
  if (!MACHINE_CLIENT_ID.test(clientId) || clientId === LOCAL_CLIENT_ID) throw new Error(`"${clientId}" is not a machine client id (letters, digits, _ . -; not ${LOCAL_CLIENT_ID})`);
  const now = Math.floor(Date.now() / 1000);
  const key = await importJWK(keys.privateJwk, ALG);
  return new SignJWT({ client_id: clientId, token_use: 'access', scope: INTEGRATION_SCOPE, auth_time: now, version: 2, jti: randomUUID() })
    .setProtectedHeader({ alg: ALG, kid: keys.kid, typ: 'JWT' })
    .setSubject(clientId)
    .setIssuer(LOCAL_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(key);
}

const MACHINE_CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function isMachineClientToken(payload: JWTPayload): boolean {
  return typeof payload.client_id === 'string' && payload.client_id === payload.sub && MACHINE_CLIENT_ID.test(payload.client_id) && payload.token_use === 'access';
}
