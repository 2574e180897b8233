import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { CrmFunction } from './crm-function';

/** Business metrics the handlers emit (Powertools EMF, namespace Crm, dimension service=crm). */
export const BUSINESS_METRICS = ['CustomersCreated', 'EventsPublished', 'ConsumerFailures', 'WebhooksReceived', 'WebhooksDuplicate', 'WebhooksRejected'] as const;
export const METRICS_NAMESPACE = 'Crm';
export const METRICS_SERVICE = 'crm';
/**
 * Safety nets that let a request go on when a side write fails, so nothing else would show it: an
 * audit record not written (shared/http/audit.ts), a machine client's request not counted
 * (shared/http/rate-limit.ts, e.g. the counter write denied). Each alarms on its first occurrence.
 */
export const FAIL_OPEN_METRICS = {
  AuditWriteFailed: 'An audit record could not be written; the change it records was made. Check the function logs ("audit write failed") and the table',
  RateLimiterFailed: 'A machine client request went on uncounted: the rate counter could not be written. Check the function logs ("rate limiter failed open"), the table and the function role',
} as const;

const FIVE_MINUTES = Duration.minutes(5);

export interface MonitoringProps {
  stage: string;
  alarmTopic: sns.ITopic;
}

/**
 * Alarms (to the alarm topic) and the dashboard. Stacks register what they build (`watchApi`,
 * `watchFunction`, `watchDlq`) and call `addDashboard()` once everything is registered.
 */
export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: SnsAction;
  private readonly prefix: string;
  private api?: HttpApi;
  private readonly functions: CrmFunction[] = [];
  private readonly dlqs: { name: string; queue: sqs.IQueue }[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.action = new SnsAction(props.alarmTopic);
    this.prefix = `crm-${props.stage}`;
  }

  watchApi(api: HttpApi): void {
    this.api = api;
    this.alarm('Api5xx', `${this.prefix}-api-5xx`, 'The HTTP API answered 5xx: a handler failed unexpectedly', api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }));
    for (const [metricName, description] of Object.entries(FAIL_OPEN_METRICS)) {
      const metric = new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: METRICS_SERVICE }, statistic: 'Sum', period: FIVE_MINUTES });
      this.alarm(metricName, `${this.prefix}-${metricName.replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase())}`, description, metric);
    }
  }

  /** The function's alarms go in the function's own stack (next to it). */
  watchFunction(fn: CrmFunction): void {
    this.functions.push(fn);
    const name = fn.spec.name;
    this.alarm(`${name}-Errors`, `${this.prefix}-${name}-errors`, `${name} threw (uncaught errors, timeouts) in the last 5 minutes`, fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), fn);
    this.alarm(`${name}-Throttles`, `${this.prefix}-${name}-throttles`, `${name} was throttled in the last 5 minutes`, fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), fn);
  }

  /** Any message in a DLQ is a failure someone must look at and replay. */
  watchDlq(name: string, queue: sqs.IQueue): cloudwatch.Alarm {
    this.dlqs.push({ name, queue });
    return this.alarm(
      `${name}-DlqDepth`,
      `${this.prefix}-${name}-dlq-not-empty`,
      `The ${name} dead-letter queue holds messages: inspect, fix, then replay them`,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      queue,
    );
  }

  addDashboard(): cloudwatch.Dashboard {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: this.prefix, defaultInterval: Duration.hours(3) });
    const width = 12;
    if (this.api) {
      const api = this.api;
      dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'API requests, 4xx, 5xx',
          width,
          left: [api.metricCount({ statistic: 'Sum' }), api.metricClientError({ statistic: 'Sum' }), api.metricServerError({ statistic: 'Sum' })],
        }),
        new cloudwatch.GraphWidget({ title: 'API latency p99 (ms)', width, left: [api.metricLatency({ statistic: 'p99' }), api.metricIntegrationLatency({ statistic: 'p99' })] }),
      );
    }
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        width,
        left: this.functions.map((fn) => fn.metricErrors({ statistic: 'Sum', label: fn.spec.name })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p99 (ms)',
        width,
        left: this.functions.map((fn) => fn.metricDuration({ statistic: 'p99', label: fn.spec.name })),
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depth',
        width,
        left: this.dlqs.map(({ name, queue }) => queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: name })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Business metrics',
        width,
        left: BUSINESS_METRICS.map(
          (metricName) =>
            new cloudwatch.Metric({
              namespace: METRICS_NAMESPACE,
              metricName,
              dimensionsMap: { service: METRICS_SERVICE },
              statistic: 'Sum',
              label: metricName,
            }),
        ),
      }),
    );
    return dashboard;
  }

  private alarm(id: string, alarmName: string, description: string, metric: cloudwatch.IMetric, scope: Construct = this): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, scope === this ? id : 'Alarm' + id.replace(/^.*-/, ''), {
      alarmName,
      alarmDescription: description,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}
