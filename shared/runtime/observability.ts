import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Structured JSON logs (Powertools) and CloudWatch EMF business metrics. Each invocation logs
 * through a child logger that carries its correlation id, so concurrent local invocations never
 * mix their keys.
 */
export const rootLogger = new Logger({ serviceName: 'crm', logLevel: (process.env.POWERTOOLS_LOG_LEVEL as never) ?? 'INFO' });

export const metrics = new Metrics({ namespace: 'Crm', serviceName: 'crm' });

export type Log = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

export function invocationLogger(correlationId: string, extra: Record<string, unknown> = {}): Log {
  return rootLogger.createChild({ persistentKeys: { correlationId, ...extra } });
}

export function countMetric(name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
