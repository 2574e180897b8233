import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteContract } from '../../shared/api/contract';
import type { Settings } from '../settings';

/** Request headers browsers may send cross-origin (preflight `Access-Control-Allow-Headers`). */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'x-correlation-id'];
/** Response headers scripts may read. */
export const CORS_EXPOSE_HEADERS = ['location', 'x-correlation-id', 'idempotent-replayed'];

/** HTTP API access-log line (HTTP API `$context` variables, one JSON object per request). */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sub: '$context.authorizer.claims.sub',
});

export interface CrmApiProps {
  settings: Settings;
  userPool: cognito.IUserPool;
  userPoolClient: cognito.IUserPoolClient;
  // Machine clients (issue 7)
  /** Machine app clients (client credentials): their access tokens' `client_id` must be in the authorizer's audience too. */
  machineClients?: readonly cognito.IUserPoolClient[];
}

/**
 * The HTTP API: a Cognito JWT authorizer on every route that is not public, CORS for the
 * configured origins, default-stage throttling and JSON access logs. Routes are added from the
 * wiring table's contracts with `addRoute`.
 */
export class CrmApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  readonly accessLogs: logs.LogGroup;
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: CrmApiProps) {
    super(scope, id);
    const { settings } = props;

    this.api = new apigw.HttpApi(this, 'HttpApi', {
      apiName: `crm-${settings.stage}`,
      description: `CRM ${settings.stage} HTTP API`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: settings.corsOrigins,
        allowMethods: [
          apigw.CorsHttpMethod.GET,
          apigw.CorsHttpMethod.POST,
          apigw.CorsHttpMethod.PUT,
          apigw.CorsHttpMethod.PATCH,
          apigw.CorsHttpMethod.DELETE,
        ],
        allowHeaders: CORS_ALLOW_HEADERS,
        exposeHeaders: CORS_EXPOSE_HEADERS,
        maxAge: Duration.hours(1),
      },
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: settings.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });

    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${props.userPool.userPoolId}`;
    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', this.issuer, {
      authorizerName: 'cognito-jwt',
      // Access tokens are checked by `client_id` against this list: the people's app client and every machine client (issue 7).
      jwtAudience: [props.userPoolClient.userPoolClientId, ...(props.machineClients ?? []).map((c) => c.userPoolClientId)],
    });
  }

  /**
   * The route's own throttle on the stage (RouteSettings). The stage is in the API's stack and the
   * route in its function's nested stack: the stage waits for that stack, so the route exists first.
   */
  private throttleRoute(contract: RouteContract, scope: Construct): void {
    const stage = this.stage.node.defaultChild as apigw.CfnStage;
    stage.addPropertyOverride(`RouteSettings.${contract.method} ${contract.path}`, { ThrottlingRateLimit: contract.throttle!.rateLimit, ThrottlingBurstLimit: contract.throttle!.burstLimit });
    const owner = Stack.of(scope);
    if (owner !== Stack.of(this)) this.stage.node.addDependency(owner);
  }

  get url(): string {
    return this.stage.url;
  }

  /** One route per contract; `public` contracts authenticate another way (e.g. signatures) and get no authorizer. */
  /** Adds a contract's route; `scope` is where the route and its integration go (the function's stack). */
  addRoute(contract: RouteContract, fn: lambda.IFunction, name: string, scope: Construct = this): apigw.HttpRoute[] {
    const isPublic = contract.permission === 'public';
    const routes = [
      new apigw.HttpRoute(scope, `${name}Route`, {
        httpApi: this.api,
        routeKey: apigw.HttpRouteKey.with(contract.path, apigw.HttpMethod[contract.method]),
        integration: new HttpLambdaIntegration(`${name}Integration`, fn),
        authorizer: isPublic ? new apigw.HttpNoneAuthorizer() : this.authorizer,
      }),
    ];
    if (contract.throttle) this.throttleRoute(contract, scope);
    if (isPublic) {
      for (const route of routes) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${contract.method} ${contract.path} is public by contract: the handler authenticates the caller itself (signed webhook), a JWT authorizer cannot.`,
        });
      }
    }
    return routes;
  }
}
