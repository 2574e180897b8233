import { Match, Template } from 'aws-cdk-lib/assertions';
import { routeCountsClients } from '../../shared/domain/rate-limit';
import { WIRING, type FunctionSpec } from '../../infra/wiring';
import { asArray, getAttId, mergedTemplate, ofType, refId, type Json } from './template-helpers';
import { buildTestApp, TEST_SETTINGS, type TestApp } from './test-app';

/**
 * Machine clients in AWS and per-client throttling (issue 7): the user pool's resource server and
 * token endpoint domain, machine app clients that can only use the client-credentials grant, the
 * JWT authorizer's audience listing them, and the narrow counter write of the read-only functions
 * a machine client can reach.
 */
let built: TestApp;
let stateful: Template;
let stateless: Template;
let merged: Template;
beforeAll(() => {
  built = buildTestApp({ ...TEST_SETTINGS, machineClients: ['erp', 'shop-sync'], integrationRatePerMinute: 900 });
  stateful = Template.fromStack(built.stateful);
  stateless = Template.fromStack(built.stateless);
  merged = mergedTemplate(built.stateless);
});
afterAll(() => built.cleanup());

const machineClients = () => Object.entries(ofType(stateful, 'AWS::Cognito::UserPoolClient')).filter(([, c]) => c.Properties.GenerateSecret === true);

test('the pool has the crm resource server with the integration scope, and a domain for the token endpoint', () => {
  stateful.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { Identifier: 'crm', Scopes: [Match.objectLike({ ScopeName: 'integration' })] });
  stateful.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  stateful.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: Match.anyValue() });
  const outputs = stateful.findOutputs('*');
  expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['TokenEndpoint', 'MachineClientErpId', 'MachineClientShopSyncId']));
  expect(JSON.stringify(outputs.TokenEndpoint!.Value)).toContain('/oauth2/token');
});

test('each machine client has a generated secret, the client-credentials grant only and the crm/integration scope', () => {
  const clients = machineClients();
  expect(clients.map(([, c]) => c.Properties.ClientName).sort()).toEqual(['crm-test-m2m-erp', 'crm-test-m2m-shop-sync']);
  for (const [, c] of clients) {
    expect(c.Properties).toMatchObject({ AllowedOAuthFlows: ['client_credentials'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: [expect.anything()], ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'] });
    expect(c.Properties.CallbackURLs).toBeUndefined();
    // The scope is `<resource server id>/integration`, the resource server being `crm`.
    expect(JSON.stringify(c.Properties.AllowedOAuthScopes)).toMatch(/ApiResourceServer.*\/integration/);
  }
  // People's client: SRP sign-in, no secret, and no OAuth redirects now that the pool has a domain.
  stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false, AllowedOAuthFlowsUserPoolClient: false, ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']) });
  stateful.resourceCountIs('AWS::Cognito::UserPoolClient', 3);
});

test("the JWT authorizer's audience lists the people's client and every machine client", () => {
  const authorizers = Object.values(ofType(stateless, 'AWS::ApiGatewayV2::Authorizer'));
  expect(authorizers).toHaveLength(1);
  const audience = authorizers[0]!.Properties.JwtConfiguration.Audience as Json[];
  expect(audience).toHaveLength(3);
  const imported = audience.map((a) => JSON.stringify(a));
  expect(imported.filter((a) => /UsersMachineErp/.test(a))).toHaveLength(1);
  expect(imported.filter((a) => /UsersMachineShopSync/.test(a))).toHaveLength(1);
  expect(imported.filter((a) => /UsersAppClient/.test(a))).toHaveLength(1);
});

function statementsOf(spec: FunctionSpec): Json[] {
  const name = `crm-${TEST_SETTINGS.stage}-${spec.name}`;
  const hit = Object.values(ofType(merged, 'AWS::Lambda::Function')).find((f) => f.Properties.FunctionName === name);
  if (!hit) throw new Error(`no function ${name}`);
  const roleId = getAttId(hit.Properties.Role);
  return Object.values(ofType(merged, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => refId(r) === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
}

function envOf(spec: FunctionSpec): Json {
  const hit = Object.values(ofType(merged, 'AWS::Lambda::Function')).find((f) => f.Properties.FunctionName === `crm-${TEST_SETTINGS.stage}-${spec.name}`);
  return (hit?.Properties.Environment?.Variables ?? {}) as Json;
}

test('read-only functions a machine client reaches may UpdateItem only RATE# counters; the others may not write at all', () => {
  const reachable = WIRING.filter((s) => s.http && routeCountsClients(s.http.permission));
  const readOnly = reachable.filter((s) => s.table === 'read');
  expect(readOnly.map((s) => s.name)).toEqual(expect.arrayContaining(['customers-list', 'customers-get', 'tickets-list']));
  for (const spec of readOnly) {
    const counting = statementsOf(spec).filter((s) => asArray(s.Action as string).includes('dynamodb:UpdateItem'));
    expect(counting).toHaveLength(1);
    expect(counting[0]).toMatchObject({
      Action: 'dynamodb:UpdateItem',
      Condition: {
        // The minute's count and the per-second counts s00..s59, nothing else.
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'], 'dynamodb:Attributes': ['PK', 'SK', 'entity', 'requests', 'ttl', 's??'] },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_NEW'] },
      },
    });
    expect(envOf(spec).CRM_INTEGRATION_RATE_PER_MINUTE).toBe('900');
  }
  for (const spec of reachable.filter((s) => s.table === 'write')) expect(envOf(spec).CRM_INTEGRATION_RATE_PER_MINUTE).toBe('900');
  const unreachableReaders = WIRING.filter((s) => s.http && !routeCountsClients(s.http.permission) && s.table === 'read');
  expect(unreachableReaders.map((s) => s.name)).toEqual(expect.arrayContaining(['users-list', 'segments-list']));
  for (const spec of unreachableReaders) {
    expect(statementsOf(spec).flatMap((s) => asArray(s.Action as string)).filter((a) => a.startsWith('dynamodb:') && !['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:Scan'].includes(a))).toEqual([]);
    expect(envOf(spec).CRM_INTEGRATION_RATE_PER_MINUTE).toBeUndefined();
  }
});
