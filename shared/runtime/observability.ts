/**
 * Structured JSON logs and business metrics in CloudWatch Embedded Metric Format, one JSON line
 * each on stdout. Every invocation logs through a child that carries its correlation id, so
 * concurrent local invocations never mix their keys. The log level follows POWERTOOLS_LOG_LEVEL
 * (or LOG_LEVEL) like Powertools does; the Powertools logger and metrics packages were dropped
 * because they added ~35 KB to every bundle for the same lines (see README, benchmarks).
 */
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 99 } as const;
type Level = keyof typeof LEVELS;

export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

function levelOf(raw: string | undefined): Level {
  const up = (raw ?? 'INFO').toUpperCase();
  return up in LEVELS ? (up as Level) : 'INFO';
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

class JsonLogger implements Log {
  constructor(
    private readonly keys: Record<string, unknown>,
    private readonly root: { level: Level },
  ) {}
  private write(level: Level, message: string, extra: Record<string, unknown> = {}): void {
    if (LEVELS[level] < LEVELS[this.root.level]) return;
    const fields = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, serialize(v)]));
    process.stdout.write(`${JSON.stringify({ level, message, timestamp: new Date().toISOString(), service: SERVICE, ...this.keys, ...fields })}\n`);
  }
  debug(m: string, e?: Record<string, unknown>) { this.write('DEBUG', m, e); }
  info(m: string, e?: Record<string, unknown>) { this.write('INFO', m, e); }
  warn(m: string, e?: Record<string, unknown>) { this.write('WARN', m, e); }
  error(m: string, e?: Record<string, unknown>) { this.write('ERROR', m, e); }
  child(keys: Record<string, unknown>): JsonLogger {
    return new JsonLogger({ ...this.keys, ...keys }, this.root);
  }
  setLogLevel(level: string): void {
    this.root.level = levelOf(level);
  }
}

export const METRICS_NAMESPACE = process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Crm';
const SERVICE = process.env.POWERTOOLS_SERVICE_NAME ?? 'crm';

export const rootLogger = new JsonLogger({}, { level: levelOf(process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL) });

const pending = new Map<string, number>();

export function invocationLogger(correlationId: string, extra: Record<string, unknown> = {}): Log {
  return rootLogger.child({ correlationId, ...extra });
}

export function countMetric(name: string, value = 1): void {
  pending.set(name, (pending.get(name) ?? 0) + value);
}

/** The EMF document for the pending counts (exported for tests), or undefined when there are none. */
export function emfDocument(now = Date.now()): Record<string, unknown> | undefined {
  if (pending.size === 0) return undefined;
  const names = [...pending.keys()];
  return {
    _aws: { Timestamp: now, CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['service']], Metrics: names.map((Name) => ({ Name, Unit: 'Count' })) }] },
    service: SERVICE,
    ...Object.fromEntries(pending),
  };
}

export function flushMetrics(): void {
  const doc = emfDocument();
  pending.clear();
  if (doc && process.env.POWERTOOLS_METRICS_DISABLED !== 'true') process.stdout.write(`${JSON.stringify(doc)}\n`);
}
