import { Template } from 'aws-cdk-lib/assertions';
import { httpFunctions } from '../../infra/wiring';
import { ofType } from './template-helpers';
import { buildTestApp, type TestApp } from './test-app';

/** Routes that scan, start background work or hand out personal data have their own, tighter throttle (issue 7). */
let built: TestApp;
let parent: Template;
beforeAll(() => {
  built = buildTestApp();
  parent = Template.fromStack(built.stateless);
});
afterAll(() => built.cleanup());

test('every throttled contract gets its route settings on the stage, and the stage waits for the route', () => {
  const throttled = httpFunctions().filter((f) => f.http.throttle);
  expect(throttled.map((f) => f.http.operationId)).toEqual(expect.arrayContaining(['previewSegment', 'revealCustomerFields', 'createPrivacyRequest', 'createExport']));
  const stages = Object.values(ofType(parent, 'AWS::ApiGatewayV2::Stage'));
  expect(stages).toHaveLength(1);
  const stage = stages[0]!;
  const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
  for (const f of throttled) {
    expect(settings[`${f.http.method} ${f.http.path}`]).toEqual({ ThrottlingRateLimit: f.http.throttle!.rateLimit, ThrottlingBurstLimit: f.http.throttle!.burstLimit });
  }
  expect(Object.keys(settings)).toHaveLength(throttled.length);
  expect(stage.DependsOn ?? []).toEqual(expect.arrayContaining([expect.stringMatching(/^HttpSegments/)]));
  // Every throttle is tighter than the stage default.
  for (const f of throttled) expect(f.http.throttle!.rateLimit).toBeLessThan(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit);
});
