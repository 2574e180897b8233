import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput, TABLE_DEFINITION } from '../../shared/store/table';

/**
 * DynamoDB Local (AWS's own emulator, shipped in the npm package amplify-dynamodb-simulator),
 * started on a free port with Java 17: in memory by default, or persisted under `dataDir`.
 */
export interface DynamoLocal {
  endpoint: string;
  port: number;
  /** The watchdog shell's pid: SIGTERM to it stops the emulator. */
  pid: number;
  /** Lets this process exit while the emulator runs (it then ends by its watchdog). */
  unref(): void;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function emulatorDir(): string {
  const pkg = require.resolve('amplify-dynamodb-simulator/package.json');
  return join(dirname(pkg), 'emulator');
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startDynamoLocal(opts: { dataDir?: string; port?: number } = {}): Promise<DynamoLocal> {
  const port = opts.port ?? (await freePort());
  const dir = emulatorDir();
  const args = [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-Xmx3g', '-jar', join(dir, 'DynamoDBLocal.jar'), '-port', String(port)];
  if (opts.dataDir) args.push('-dbPath', opts.dataDir, '-sharedDb');
  else args.push('-inMemory', '-sharedDb');
  // Java under a small shell watchdog: when this process dies without stopping it (a test run killed
  // by a timeout), the emulator goes too instead of living on and holding memory.
  const watchdog = `java "$@" & child=$!; trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM INT; while kill -0 ${process.pid} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; kill $child 2>/dev/null; wait $child`;
  const proc: ChildProcess = spawn('sh', ['-c', watchdog, 'sh', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d) => (stderr += String(d)));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  // Generous: on a busy machine (several test runs at once) the JVM can take a while to answer.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`DynamoDB Local exited (${proc.exitCode}): ${stderr.slice(0, 2000)} (is Java 17 installed?)`);
    try {
      await client.send(new DescribeTableCommand({ TableName: 'probe-table' }));
      break;
    } catch (e) {
      if ((e as { name?: string }).name === 'ResourceNotFoundException') break;
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start on ${endpoint}: ${String(e)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return {
    endpoint,
    port,
    pid: proc.pid!,
    unref: () => {
      proc.unref();
      (proc.stdout as { unref?: () => void } | null)?.unref?.();
      (proc.stderr as { unref?: () => void } | null)?.unref?.();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Creates the table from the shared definition (and its TTL setting) unless it exists. Returns its stream ARN. */
export async function ensureTable(endpoint: string, tableName: string): Promise<string> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: TABLE_DEFINITION.ttlAttribute } }));
  } catch (e) {
    if (!(e instanceof ResourceInUseException) && (e as { name?: string }).name !== 'ResourceInUseException') throw e;
  }
  const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
  client.destroy();
  return d.Table!.LatestStreamArn!;
}
