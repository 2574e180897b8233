/**
 * `npm run dlq -- list|replay [--queue NAME]`: dead-letter queues of the running local stack
 * (through its admin-only /_local/dlq endpoints, with an admin token minted from the state dir).
 * `npm run dlq -- list|replay --aws --stack Crm-<stage>-Stateless [--queue NAME]`: the deployed
 * stack's DLQs (see infra/local/dlq-aws.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultStateDir, loadOrCreateKeys, mintToken } from './tokens';

const USAGE = 'usage: npm run dlq -- list|replay [--queue NAME] [--url URL] [--state DIR]\n       npm run dlq -- list|replay --aws --stack Crm-<stage>-Stateless [--queue NAME] [--region R]';

async function local(command: string, queue: string | undefined, url: string | undefined, stateDir: string): Promise<void> {
  let base = url;
  if (!base) {
    const file = join(stateDir, 'runtime.json');
    if (!existsSync(file)) throw new Error(`No local stack is running (no ${file}). Start one with \`npm start\`, or pass --url.`);
    base = (JSON.parse(readFileSync(file, 'utf8')) as { url: string }).url;
  }
  const token = await mintToken(loadOrCreateKeys(stateDir), { role: 'admin', sub: 'local-dlq-cli', ttlSeconds: 300 });
  const qs = queue ? `?queue=${encodeURIComponent(queue)}` : '';
  const res = await fetch(`${base}/_local/dlq${command === 'replay' ? '/replay' : ''}${qs}`, {
    method: command === 'replay' ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${token}` },
  }).catch((e: Error) => {
    throw new Error(`Cannot reach the local stack at ${base} (${e.cause ?? e.message}). Is \`npm start\` running?`);
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${res.status}: ${String(body.detail ?? JSON.stringify(body))}`);
  if (command === 'replay') {
    for (const m of body.moved as { queue: string; moved: number }[]) console.log(`${m.queue.padEnd(24)} moved ${m.moved}`);
    return;
  }
  for (const q of body.queues as { queue: string; depth: number; messages: { messageId: string; receiveCount: number; deadAt: string; lastError?: string; body: string }[] }[]) {
    console.log(`${q.queue.padEnd(24)} ${q.depth} message(s)`);
    for (const m of q.messages) console.log(`  ${m.messageId}  received ${m.receiveCount}x  dead since ${m.deadAt}  ${m.lastError ?? ''}\n    ${m.body.slice(0, 200)}`);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      queue: { type: 'string' },
      url: { type: 'string' },
      state: { type: 'string' },
      aws: { type: 'boolean' },
      stack: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || (command !== 'list' && command !== 'replay')) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.aws) {
    if (!values.stack) throw new Error(`--aws needs --stack Crm-<stage>-Stateless\n${USAGE}`);
    const { awsDlq } = await import('./dlq-aws');
    await awsDlq(command, { stack: values.stack, ...(values.queue ? { queue: values.queue } : {}), ...(values.region ? { region: values.region } : {}) });
  } else {
    await local(command, values.queue, values.url, values.state ?? defaultStateDir());
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
