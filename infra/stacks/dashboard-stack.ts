import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type { Construct } from 'constructs';
import { DashboardSite } from '../constructs/dashboard-site';
import type { Settings } from '../settings';

export interface DashboardStackProps extends StackProps {
  settings: Settings;
  api: apigw.HttpApi;
}

/**
 * Analytics (issue 9): the dashboard page (S3 + CloudFront, `/v1/*` to the HTTP API on the same
 * origin), in a stack of its own: its deploy-time file copy is a CDK custom resource function,
 * which belongs to neither the table's stack nor the functions of the wiring table.
 */
export class DashboardStack extends Stack {
  readonly site: DashboardSite;

  constructor(scope: Construct, id: string, props: DashboardStackProps) {
    super(scope, id, props);
    this.site = new DashboardSite(this, 'Site', { stage: props.settings.stage, api: props.api });
  }
}
