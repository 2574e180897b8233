import type { Template } from 'aws-cdk-lib/assertions';
import { WIRING, type FunctionSpec } from '../../infra/wiring';
import { type Json, asArray, getAttId, ofType, refId, mergedTemplate } from './template-helpers';
import { buildTestApp, TEST_SETTINGS, type TestApp } from './test-app';

/**
 * Users administration in the stack (issue 7): only the functions whose spec names `directory`
 * actions get Cognito admin rights, exactly those actions, on the one user pool, with its id in
 * CRM_USER_POOL_ID; no other function can touch the user pool.
 */
let built: TestApp;
let stateless: Template;
beforeAll(() => {
  built = buildTestApp();
  stateless = mergedTemplate(built.stateless);
});
afterAll(() => built.cleanup());

function fnOf(spec: FunctionSpec): Json {
  const hit = Object.values(ofType(stateless, 'AWS::Lambda::Function')).find((r) => r.Properties.FunctionName === `crm-${TEST_SETTINGS.stage}-${spec.name}`);
  if (!hit) throw new Error(`no function for ${spec.name}`);
  return hit.Properties;
}

function cognitoStatements(spec: FunctionSpec): { actions: string[]; resource: string }[] {
  const roleId = getAttId(fnOf(spec).Role);
  return Object.values(ofType(stateless, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => refId(r) === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[])
    .filter((s) => asArray(s.Action as string).some((a) => a.startsWith('cognito-idp:')))
    .map((s) => ({ actions: asArray(s.Action as string).sort(), resource: JSON.stringify(s.Resource) }));
}

describe('the user directory grants', () => {
  const withDirectory = WIRING.filter((s) => s.directory?.length);

  it('are declared by the users functions only', () => {
    expect(withDirectory.map((s) => s.name).sort()).toEqual(['users-disable', 'users-enable', 'users-invitation', 'users-invite', 'users-update']);
  });

  it.each(withDirectory.map((s) => [s.name, s] as const))('%s: exactly its actions, on the user pool, and the pool id in its environment', (_n, spec) => {
    const st = cognitoStatements(spec);
    expect(st).toHaveLength(1);
    expect(st[0]!.actions).toEqual(spec.directory!.map((a) => `cognito-idp:${a}`).sort());
    expect(st[0]!.resource).toMatch(/UserPool|Users/);
    expect(st[0]!.resource).not.toContain('*');
    expect(JSON.stringify((fnOf(spec).Environment as Json).Variables.CRM_USER_POOL_ID)).toMatch(/Users|UserPool/);
  });

  it('leaves every other function without Cognito rights or the pool id', () => {
    for (const spec of WIRING.filter((s) => !s.directory?.length)) {
      expect({ fn: spec.name, statements: cognitoStatements(spec) }).toEqual({ fn: spec.name, statements: [] });
      expect({ fn: spec.name, pool: (fnOf(spec).Environment as Json | undefined)?.Variables?.CRM_USER_POOL_ID }).toEqual({ fn: spec.name, pool: undefined });
    }
  });
});
