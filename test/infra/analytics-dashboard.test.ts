import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import { DASHBOARD_CSP } from '../../infra/local/dashboard-route';
import { ofType } from './template-helpers';
import { buildTestApp, type TestApp } from './test-app';

/** The dashboard stack (issue 9): private bucket behind CloudFront, /v1/* to the API uncached, cdk-nag clean with reasons. */
let built: TestApp;
let template: Template;
beforeAll(() => {
  built = buildTestApp();
  built.app.synth();
  template = Template.fromStack(built.dashboard);
});
afterAll(() => built.cleanup());

const findings = (pack: AwsSolutionsChecks) => pack.validateScope(built.dashboard).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));

test('cdk-nag: no unacknowledged finding, and every acknowledgement matches one with a specific reason', () => {
  expect(findings(new AwsSolutionsChecks())).toEqual([]);
  const spy = jest.spyOn(NagPack.prototype as unknown as { isAcknowledged: () => boolean }, 'isAcknowledged').mockReturnValue(false);
  let raw: string[];
  try {
    raw = findings(new AwsSolutionsChecks());
  } finally {
    spy.mockRestore();
  }
  const acks = built.dashboard.node.findAll().flatMap((c) =>
    c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason }))),
  );
  expect(acks.length).toBeGreaterThan(0);
  for (const a of acks) {
    const matched = raw.some((f) => {
      const [rule, path] = f.split(' @ ');
      return rule === a.id && (path === a.path || path!.startsWith(`${a.path}/`));
    });
    expect({ ...a, matched }).toEqual({ ...a, matched: true });
    expect(a.reason.length).toBeGreaterThanOrEqual(60);
  }
});

test('the site bucket is private and read by CloudFront through origin access control only', () => {
  template.hasResourceProperties('AWS::S3::Bucket', { PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true } });
  template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  const policies = Object.values(ofType(template, 'AWS::S3::BucketPolicy'));
  const statements = policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Principal?: { Service?: string }; Action: unknown; Effect: string }[] }).Statement);
  expect(statements.filter((s) => s.Effect === 'Allow').map((s) => s.Principal?.Service)).toEqual(['cloudfront.amazonaws.com']);
});

test('the distribution serves the page with its CSP and sends /v1/* to the HTTP API uncached, the token in the key', () => {
  const dist = Object.values(ofType(template, 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(dist.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  const api = dist.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/v1/*');
  expect(api).toMatchObject({ ViewerProtocolPolicy: 'https-only', AllowedMethods: expect.arrayContaining(['POST', 'PUT', 'PATCH', 'DELETE']) });
  expect(JSON.stringify(dist.Origins)).toMatch(/ImportValue.*HttpApi.*ApiEndpoint/);
  const cache = Object.values(ofType(template, 'AWS::CloudFront::CachePolicy'))[0]!.Properties.CachePolicyConfig as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(cache).toMatchObject({ DefaultTTL: 0, MinTTL: 0, MaxTTL: 1 });
  expect(cache.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig).toEqual({ HeaderBehavior: 'whitelist', Headers: ['Authorization'] });
  template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', { ResponseHeadersPolicyConfig: { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: DASHBOARD_CSP, Override: true } } } });
  template.resourceCountIs('Custom::CDKBucketDeployment', 1);
});
