import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRole, type Role } from '../../shared/domain/roles';
import { loadOrCreateKeys, mintClientToken, mintToken } from './tokens';

/**
 * Tokens of invited users and machine clients for `npm run token` (issue 7). A user's token is
 * minted from their record in the running local stack (read with a short-lived admin token, as
 * `npm run dlq` reads the queues): their sub, e-mail and roles. A disabled user gets none.
 */
function stackUrl(stateDir: string, url: string | undefined): string {
  if (url) return url;
  const file = join(stateDir, 'runtime.json');
  if (!existsSync(file)) throw new Error(`No local stack is running (no ${file}). Start one with \`npm start\`, or pass --url.`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { url: string }).url;
}

export async function userToken(stateDir: string, sub: string, opts: { url?: string | undefined; ttlSeconds?: number | undefined } = {}): Promise<string> {
  const keys = loadOrCreateKeys(stateDir);
  const base = stackUrl(stateDir, opts.url);
  const admin = await mintToken(keys, { role: 'admin', sub: 'local-token-cli', ttlSeconds: 60 });
  const res = await fetch(`${base}/v1/users/${encodeURIComponent(sub)}`, { headers: { authorization: `Bearer ${admin}` } }).catch((e: Error) => {
    throw new Error(`Cannot reach the local stack at ${base} (${String(e.cause ?? e.message)}). Is \`npm start\` running?`);
  });
  const body = (await res.json()) as { status?: string; roles?: string[]; email?: string; detail?: string };
  if (res.status === 404) throw new Error(`No user ${sub} in the local stack (invite one with POST /v1/users).`);
  if (!res.ok) throw new Error(`${res.status}: ${body.detail ?? JSON.stringify(body)}`);
  if (body.status !== 'active') throw new Error(`User ${sub} is ${body.status}: no token.`);
  const roles = (body.roles ?? []).filter(isRole) as Role[];
  if (roles.length === 0) throw new Error(`User ${sub} holds no role.`);
  return mintToken(keys, {
    role: roles[0]!,
    sub,
    ...(opts.ttlSeconds ? { ttlSeconds: opts.ttlSeconds } : {}),
    extraClaims: { 'cognito:groups': roles, ...(body.email ? { email: body.email } : {}) },
  });
}

export async function clientToken(stateDir: string, clientId: string, ttlSeconds?: number): Promise<string> {
  return mintClientToken(loadOrCreateKeys(stateDir), clientId, ttlSeconds);
}
