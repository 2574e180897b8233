import { CfnOutput, DefaultStackSynthesizer, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { DASHBOARD_CSP } from '../local/dashboard-route';

export interface DashboardSiteProps {
  stage: string;
  /** The HTTP API the page calls: CloudFront sends `/v1/*` to it, so the page and the API share one origin (no CORS). */
  api: apigw.HttpApi;
}

/**
 * The analytics dashboard in AWS (issue 9): the static files of `dashboard/` in a private bucket
 * served by CloudFront through origin access control at `/dashboard/`, with the same
 * Content-Security-Policy the local runtime sends; `/v1/*` on the same distribution goes to the
 * HTTP API uncached (the bearer token is part of the cache key, so no answer is ever shared between
 * callers), so the page signs in with the same Cognito tokens and calls the API on its own origin.
 */
export class DashboardSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // `/` → `/dashboard/`, and a folder URL serves its index.html (what the local route does).
    const index = new cloudfront.Function(this, 'IndexRewrite', {
      comment: 'Dashboard: / redirects to /dashboard/, folder URLs serve index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        [
          'function handler(event) {',
          '  var r = event.request;',
          "  if (r.uri === '/' || r.uri === '/dashboard') return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/dashboard/' } } };",
          "  if (r.uri.endsWith('/')) r.uri += 'index.html';",
          '  return r;',
          '}',
        ].join('\n'),
      ),
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Dashboard security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: DASHBOARD_CSP, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    const apiCache = new cloudfront.CachePolicy(this, 'ApiPassThrough', {
      comment: 'API through the dashboard origin: no caching in effect (0 s by default, 1 s at most), the bearer token in the key',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Authorization'),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    });
    const apiRequest = new cloudfront.OriginRequestPolicy(this, 'ApiRequest', {
      comment: 'API through the dashboard origin: the headers the API reads',
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList('Content-Type', 'Idempotency-Key', 'X-Correlation-Id'),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
    });
    const apiDomain = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `CRM ${props.stage}: analytics dashboard and its API`,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        functionAssociations: [{ function: index, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: new origins.HttpOrigin(apiDomain, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: apiCache,
          originRequestPolicy: apiRequest,
        },
      },
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
    });
    new s3deploy.BucketDeployment(this, 'Files', {
      sources: [s3deploy.Source.asset(join(__dirname, '..', '..', 'dashboard'))],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'dashboard/',
      distribution: this.distribution,
      distributionPaths: ['/dashboard/*'],
      prune: true,
      memoryLimit: 256,
    });
    new CfnOutput(Stack.of(this), 'DashboardUrl', { value: `https://${this.distribution.distributionDomainName}/dashboard/`, description: 'The analytics dashboard (sign in with a Cognito access token)' });
    this.acknowledge();
  }

  private acknowledge(): void {
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'The bucket holds only the public-safe static files of the dashboard (no data), reached only by CloudFront through origin access control; CloudFront access logs are a per-deployment choice (see CFR3).',
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'Staff of the brand sign in from wherever they work; the API behind /v1/* checks a Cognito token on every request, so a country block would add nothing but lock out travelling staff.' },
      { id: 'AwsSolutions-CFR2', reason: 'The distribution serves static files and forwards /v1/* to the HTTP API, which has its own per-route throttles and JWT authorizer; a WAF web ACL (priced per ACL and request) is a per-deployment decision.' },
      { id: 'AwsSolutions-CFR3', reason: 'Every API call through /v1/* is logged by the HTTP API access log with its correlation id; CloudFront standard logs need a log bucket with ACLs enabled, left to deployments that want them.' },
      { id: 'AwsSolutions-CFR4', reason: 'The distribution uses the default CloudFront certificate (no custom domain in this stack), for which CloudFront negotiates TLS itself; the viewer protocol is HTTPS only and TLSv1.2_2021 applies once a custom certificate is attached.' },
    );
    // The BucketDeployment's provider function: CDK's own construct (a singleton at stack level), its policies set by CDK.
    const stack = Stack.of(this);
    const siteObjects = flattenCfnReference(stack.resolve(`${this.bucket.bucketArn}/*`));
    const assets = `arn:<AWS::Partition>:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-<AWS::Region>/*`;
    const why = 'The CDK BucketDeployment provider (run only at deploy time) copies the dashboard asset into the site bucket and invalidates /dashboard/* on the distribution';
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      Validations.of(child).acknowledge(
        { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: `${why}; AWSLambdaBasicExecutionRole only lets it write its own logs.` },
        ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((a) => ({ id: `AwsSolutions-IAM5[Action::${a}]`, reason: `${why}: CDK grants read on the asset and read-write on the site bucket objects, whose keys are not known in advance.` })),
        { id: `AwsSolutions-IAM5[Resource::${assets}]`, reason: `${why}: the CDK assets bucket holds the zipped files under a content hash.` },
        { id: `AwsSolutions-IAM5[Resource::${siteObjects}]`, reason: `${why}: every object of the dashboard's own site bucket (and nothing else).` },
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: `${why}: cloudfront:CreateInvalidation and GetInvalidation have no resource-level scoping in CDK's grant.` },
        { id: 'AwsSolutions-L1', reason: `${why}; its runtime is the one CDK pins for the AWS CLI layer it bundles, not ours to choose.` },
      );
    }
  }
}
