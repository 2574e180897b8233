import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startLocalStack, type LocalStack } from '../../infra/local/runtime';
import type { Role } from '../../shared/domain/roles';
import { dropTable, dynamoEndpoint } from '../support/endpoint';

/** The local stack in this jest worker, on the run's DynamoDB Local with a table of its own. */
export interface Api {
  status: number;
  headers: Headers;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers of many shapes
}

export interface TestStack {
  stack: LocalStack;
  token(role: Role): Promise<string>;
  call(method: string, path: string, opts?: { role?: Role | null; token?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> }): Promise<Api>;
  stop(): Promise<void>;
}

/** `dynamoEndpoint`: another emulator than the file's (a test that wants a fresh one mid-file). */
export async function startTestStack(opts: { dynamoEndpoint?: string } = {}): Promise<TestStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'crm-e2e-'));
  const tableName = `crm-e2e-${randomBytes(4).toString('hex')}`;
  const stack = await startLocalStack({
    port: 0,
    dynamoEndpoint: opts.dynamoEndpoint ?? dynamoEndpoint(),
    tableName,
    stateDir,
    retryDelayMs: 50,
    streamPollMs: 50,
    quiet: process.env.CRM_E2E_VERBOSE !== '1',
  });
  const tokens = new Map<Role, string>();
  const token = async (role: Role) => {
    if (!tokens.has(role)) tokens.set(role, await stack.mintToken(role));
    return tokens.get(role)!;
  };
  const call: TestStack['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const role = opts.role === undefined ? 'admin' : opts.role;
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    else if (role) headers.authorization = `Bearer ${await token(role)}`;
    let body: string | Buffer | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${stack.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  };
  return {
    stack,
    token,
    call,
    stop: async () => {
      await stack.stop();
      if (!opts.dynamoEndpoint) await dropTable(tableName);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A unique, valid e-mail address and a name nobody else in the run uses. */
export function unique(prefix = 'user'): { email: string; name: string } {
  counter++;
  const tag = `${Date.now().toString(36)}${counter}${randomBytes(2).toString('hex')}`;
  return { email: `${prefix}.${tag}@example.com`, name: `${prefix} ${tag}` };
}

/** Field names of a problem+json answer's `errors`. */
export function fields(res: Api): string[] {
  return ((res.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
}
