import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '../wiring';
import { runAs } from './iam-guard';

/**
 * Runs the real handler modules in this process the way the Lambda runtime would: the entry file
 * of the wiring table is imported once (a warm container) and called with an event and a context.
 */
export const REPO_ROOT = join(__dirname, '..', '..');
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

const modules = new Map<string, Promise<LambdaHandler>>();

export function loadHandler(entry: string): Promise<LambdaHandler> {
  let loaded = modules.get(entry);
  if (!loaded) {
    loaded = import(join(REPO_ROOT, entry)).then((m: { handler?: unknown; default?: { handler?: unknown } }) => {
      const h = m.handler ?? m.default?.handler;
      if (typeof h !== 'function') throw new Error(`${entry} does not export a handler function`);
      return h as LambdaHandler;
    });
    loaded.catch(() => modules.delete(entry));
    modules.set(entry, loaded);
  }
  return loaded;
}

/** Local runs get at least 30 s: the emulator's first requests are slow while the JVM warms up. */
export function lambdaContext(spec: Pick<FunctionSpec, 'name' | 'memoryMb' | 'timeoutSeconds'>): Context {
  const deadline = Date.now() + Math.max(spec.timeoutSeconds ?? 10, 30) * 1000;
  const functionName = `crm-local-${spec.name}`;
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: String(spec.memoryMb ?? 512),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${awsRequestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function invoke(spec: FunctionSpec, event: unknown): Promise<unknown> {
  const handler = await loadHandler(spec.entry);
  // The function's table permissions apply while it runs (./iam-guard.ts).
  return runAs(spec, () => handler(event, lambdaContext(spec)));
}
