import { mergedTemplate } from './template-helpers';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routeKey } from '../../shared/api/contract';
import { StatefulStack } from '../../infra/stacks/stateful-stack';
import { StatelessStack } from '../../infra/stacks/stateless-stack';
import { httpFunctions, type FunctionSpec } from '../../infra/wiring';
import { TEST_SETTINGS } from './test-app';

/**
 * A minimal wiring variant (one private and one public route) proves a public route gets no
 * authorizer while its neighbours keep the JWT one, and that its cdk-nag finding (APIG4) is
 * acknowledged where the route is made, independently of the real webhook routes (stacks.test.ts).
 */
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cdk-public-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('a public contract gets a route without authorizer; the others keep JWT', () => {
  const privateSpec = httpFunctions()[0]!;
  const publicSpec: FunctionSpec = {
    ...privateSpec,
    name: 'webhook-probe',
    http: { ...privateSpec.http, operationId: 'webhookProbe', method: 'POST', path: '/v1/webhooks/probe', permission: 'public' },
  };
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stateful = new StatefulStack(app, 'Stateful', { settings: TEST_SETTINGS });
  const stateless = new StatelessStack(app, 'Stateless', { settings: TEST_SETTINGS, stateful, wiring: [privateSpec, publicSpec] });

  const routes = Object.values(mergedTemplate(stateless).findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
  const byKey = new Map(routes.map((r) => [r.RouteKey as string, r]));
  expect(byKey.get(routeKey(publicSpec.http!))).toMatchObject({ AuthorizationType: 'NONE' });
  expect(byKey.get(routeKey(publicSpec.http!))?.AuthorizerId).toBeUndefined();
  expect(byKey.get(routeKey(privateSpec.http))).toMatchObject({ AuthorizationType: 'JWT' });

  const { violations } = new AwsSolutionsChecks().validateScope(stateless);
  expect(violations.map((v) => v.ruleName)).toEqual([]);
});
