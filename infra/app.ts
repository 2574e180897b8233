/**
 * CDK entry point (`npx cdk synth`, `npx cdk deploy`): reads the deploy settings from context and
 * builds the two stacks. `buildApp` is exported so tests build the same stacks without bundling.
 */
import { App, Tags, type Environment } from 'aws-cdk-lib';
import { readSettings, type Settings } from './settings';
import { StatefulStack } from './stacks/stateful-stack';
import { StatelessStack } from './stacks/stateless-stack';
// Analytics (issue 9)
import { DashboardStack } from './stacks/dashboard-stack';

export interface CrmStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
  // Analytics (issue 9)
  dashboard: DashboardStack;
}

export function buildApp(app: App, settings: Settings, env?: Environment): CrmStacks {
  const prefix = `Crm-${settings.stage}`;
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    settings,
    env,
    description: `CRM ${settings.stage}: table, bus, user pool, keys and secrets (retained on delete)`,
    terminationProtection: settings.stage !== 'dev',
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    settings,
    env,
    stateful,
    description: `CRM ${settings.stage}: functions, HTTP API, queues, rules, alarms and dashboard`,
  });
  stateless.addStackDependency(stateful, 'functions use the table, bus, key, user pool and secret');
  // Analytics (issue 9): the dashboard page (S3 + CloudFront), /v1/* to the stateless stack's API.
  const dashboard = new DashboardStack(app, `${prefix}-Dashboard`, { settings, env, api: stateless.api.api, description: `CRM ${settings.stage}: the analytics dashboard (S3 + CloudFront)` });
  dashboard.addStackDependency(stateless, 'the dashboard forwards /v1/* to the HTTP API');
  Tags.of(app).add('project', 'crm');
  Tags.of(app).add('stage', settings.stage);
  return { stateful, stateless, dashboard };
}

if (require.main === module) {
  const app = new App();
  const env =
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined;
  buildApp(app, readSettings(app.node), env);
  app.synth();
}
