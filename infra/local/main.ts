/**
 * `npm start [-- --port N] [--data DIR] [--verbose]`: the whole CRM on this machine (see
 * infra/local/runtime.ts). Ctrl-C stops everything it started, DynamoDB Local included.
 */
import { parseArgs } from 'node:util';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const USAGE = 'usage: npm start -- [--port N] [--data DIR] [--state DIR] [--cors ORIGIN,...] [--verbose]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      data: { type: 'string' },
      state: { type: 'string' },
      cors: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${values.port}"\n${USAGE}`);

  // Before any handler module loads: these are read when the logger and the SDK start.
  process.env.AWS_NODEJS_SUPPRESS_NODE_VERSION_WARNING = '1';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'; // the SDK's Node 20 notice
  if (!values.verbose) process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const { startLocalStack } = await import('./runtime');
  const { defaultStateDir } = await import('./tokens');

  const stateDir = resolve(values.state ?? defaultStateDir());
  const cors = values.cors ?? process.env.CRM_CORS_ORIGINS;
  const stack = await startLocalStack({
    port,
    stateDir,
    ...(values.data ? { dataDir: resolve(values.data) } : {}),
    ...(cors ? { corsOrigins: cors.split(',').map((o) => o.trim()) } : {}),
    verbose: values.verbose ?? false,
  });
  const runtimeFile = join(stateDir, 'runtime.json');
  writeFileSync(runtimeFile, JSON.stringify({ url: stack.url, pid: process.pid, startedAt: new Date().toISOString() }));
  const admin = await stack.mintToken('admin', { ttlSeconds: 12 * 3600 });

  console.log(
    [
      '',
      `CRM local stack is running (${values.data ? `data in ${resolve(values.data)}` : 'in memory'})`,
      `  API      ${stack.url}`,
      `  Docs     ${stack.url}/docs`,
      `  OpenAPI  ${stack.url}/openapi.json`,
      `  Health   ${stack.url}/health`,
      `  Dashboard ${stack.url}/dashboard  (sign in with the token below; \`npm run seed\` fills the CRM with a sample brand)`,
      `  Webhook secrets  ${stack.webhookSecretsFile}  (POST ${stack.url}/v1/webhooks/shopify|woocommerce|generic/{sourceId})`,
      '',
      'Admin token (12 h; more with `npm run token -- --role <role>`):',
      admin,
      '',
      `Try: curl -H "Authorization: Bearer $TOKEN" ${stack.url}/v1/customers`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack...`);
    const force = setTimeout(() => {
      console.error('did not stop within 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    stack
      .stop()
      .then(() => {
        rmSync(runtimeFile, { force: true });
        console.log('stopped.');
        process.exit(exitCode);
      })
      .catch((err) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // A crash must not leave DynamoDB Local (a java process) behind.
  process.on('uncaughtException', (err) => {
    console.error('uncaught exception:', err);
    shutdown('uncaughtException', 1);
  });
}

main().catch((err: NodeJS.ErrnoException) => {
  if (err?.code === 'EADDRINUSE') console.error(`${err.message}: another process uses this port; pick one with --port N (0 = any free port).`);
  else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
