import { Match, Template } from 'aws-cdk-lib/assertions';
import { WIRING, type FunctionSpec } from '../../infra/wiring';
import { type Json, asArray, getAttId, ofType, refId, mergedTemplate } from './template-helpers';
import { buildTestApp, TEST_SETTINGS, type TestApp } from './test-app';

/**
 * The transfer bucket (import uploads, export files) and who may touch it: private, encrypted with
 * the data key, TLS only, every object expiring after 7 days; only the functions whose spec
 * declares `blobs` get S3 actions, each on its one prefix with exactly its access.
 */
interface Resource { Type: string; Properties: Json; DeletionPolicy?: string }

let built: TestApp;
let stateful: Template;
let stateless: Template;

beforeAll(() => {
  built = buildTestApp();
  stateful = Template.fromStack(built.stateful);
  stateless = mergedTemplate(built.stateless);
});
afterAll(() => built.cleanup());


function bucket(): [string, Resource] {
  const buckets = Object.entries(ofType(stateful, 'AWS::S3::Bucket'));
  expect(buckets).toHaveLength(1);
  return buckets[0]!;
}

function fnOf(spec: FunctionSpec): Json {
  const hit = Object.values(ofType(stateless, 'AWS::Lambda::Function')).find((r) => r.Properties.FunctionName === `crm-${TEST_SETTINGS.stage}-${spec.name}`);
  if (!hit) throw new Error(`no function for ${spec.name}`);
  return hit.Properties;
}

function statements(spec: FunctionSpec): Json[] {
  const roleId = getAttId(fnOf(spec).Role);
  return Object.values(ofType(stateless, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => refId(r) === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
}

/** The S3 statements of a function, with their resources as text (`<bucket>/imports/*`). */
const s3Statements = (spec: FunctionSpec) =>
  statements(spec)
    .filter((s) => asArray(s.Action as string).some((a) => a.startsWith('s3:')))
    .map((s) => ({ actions: asArray(s.Action as string).sort(), resources: JSON.stringify(s.Resource), condition: s.Condition }));

describe('transfer bucket', () => {
  test('is encrypted with the data key (bucket key on), blocks all public access, owns its objects and is retained', () => {
    const [, b] = bucket();
    expect(b.DeletionPolicy).toBe('Retain');
    expect(b.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] } } }],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test('refuses requests without TLS (and below TLS 1.2)', () => {
    const [id] = bucket();
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('expires uploads and exports after 7 days, and aborts unfinished multipart uploads', () => {
    const [, b] = bucket();
    const rules = b.Properties.LifecycleConfiguration.Rules as Json[];
    expect(rules.map((r) => [r.Prefix, r.ExpirationInDays, r.AbortIncompleteMultipartUpload?.DaysAfterInitiation, r.Status]).sort()).toEqual([
      ['exports/', 7, 1, 'Enabled'],
      ['imports/', 7, 1, 'Enabled'],
    ]);
  });

  test('allows browser uploads and downloads only from the configured origins', () => {
    const [, b] = bucket();
    expect(b.Properties.CorsConfiguration.CorsRules).toEqual([
      expect.objectContaining({ AllowedMethods: ['PUT', 'GET'], AllowedOrigins: TEST_SETTINGS.corsOrigins }),
    ]);
  });
});

describe('access to the transfer bucket', () => {
  const withBlobs = WIRING.filter((s) => s.blobs);

  test('is declared by the import, export, ticket attachment and data-subject request functions only', () => {
    expect(withBlobs.map((s) => `${s.name}:${s.blobs!.prefix}:${s.blobs!.access}`).sort()).toEqual([
      // Analytics (issue 9): the lake export writes analytics/ (scheduled, and runs asked for through the API).
      'analytics-export:analytics:write',
      'analytics-runs:analytics:write',
      'attachments-complete:attachments:read',
      'attachments-create:attachments:write',
      'attachments-get:attachments:read',
      'export:exports:write',
      'exports-get:exports:read',
      'import:imports:read',
      'imports-create:imports:write',
      'imports-start:imports:read',
      'privacy-requests-get:exports:read',
      'privacy:exports:write',
    ]);
  });

  test.each(WIRING.map((s) => [s.name, s] as const))('%s gets exactly the S3 access its spec declares, on its prefix', (_, spec) => {
    const env = (fnOf(spec).Environment?.Variables ?? {}) as Json;
    const got = s3Statements(spec);
    if (!spec.blobs) {
      expect(got).toEqual([]);
      expect(env.CRM_BLOB_BUCKET).toBeUndefined();
      return;
    }
    const { prefix, access } = spec.blobs;
    expect(JSON.stringify(env.CRM_BLOB_BUCKET)).toContain(`crm-${TEST_SETTINGS.stage}-transfers-`);
    const objects = got.filter((s) => s.resources.includes(`/${prefix}/*`));
    for (const other of ['imports', 'exports', 'attachments'].filter((p) => p !== prefix)) expect(got.every((s) => !s.resources.includes(`/${other}/`))).toBe(true);
    if (access === 'read') {
      expect(objects.map((s) => s.actions)).toEqual([['s3:GetObject']]);
      const list = got.filter((s) => s.actions.includes('s3:ListBucket'));
      expect(list).toEqual([expect.objectContaining({ condition: { StringLike: { 's3:prefix': [`${prefix}/*`] } } })]);
      expect(got).toHaveLength(2);
    } else {
      expect(objects.map((s) => s.actions)).toEqual([spec.blobs.delete ? ['s3:DeleteObject', 's3:PutObject'] : ['s3:PutObject']]);
      expect(got).toHaveLength(1);
    }
    const kms = statements(spec).filter((s) => asArray(s.Action as string).some((a) => a.startsWith('kms:')));
    const kmsActions = kms.flatMap((s) => asArray(s.Action as string));
    expect(kmsActions).toContain(access === 'read' ? 'kms:Decrypt' : 'kms:GenerateDataKey');
  });

  test('only the function that runs erasures may delete files, and only export files', () => {
    expect(withBlobs.filter((s) => s.blobs!.delete).map((s) => `${s.name}:${s.blobs!.prefix}`)).toEqual(['privacy:exports']);
    for (const spec of WIRING) {
      const deletes = s3Statements(spec).filter((s) => s.actions.includes('s3:DeleteObject'));
      if (spec.name === 'privacy') expect(deletes.map((s) => s.resources)).toEqual([expect.stringContaining('/exports/*')]);
      else expect(deletes).toEqual([]);
    }
  });

  test('the import and export queues each have a DLQ', () => {
    const names = Object.values(ofType(stateless, 'AWS::SQS::Queue')).map((q) => q.Properties.QueueName as string);
    for (const q of ['import', 'export']) expect(names).toEqual(expect.arrayContaining([`crm-${TEST_SETTINGS.stage}-${q}`, `crm-${TEST_SETTINGS.stage}-${q}-dlq`]));
  });
});
