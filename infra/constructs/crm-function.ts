import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { Construct } from 'constructs';
import { esbuildAliasArgs } from '../bundling';
import type { FunctionSpec } from '../wiring';

/** The repository root: wiring entries are relative to it, and esbuild resolves from it. */
export const REPO_ROOT = path.join(__dirname, '..', '..');

export const DEFAULT_MEMORY_MB = 512;
export const DEFAULT_TIMEOUT_SECONDS = 10;

export interface CrmFunctionProps {
  spec: FunctionSpec;
  stage: string;
  defaultPhoneRegion: string;
  eventBusName: string;
  /** The identity-hash key: read access is granted and its ARN set in CRM_IDENTITY_KEY_SECRET_ARN. */
  identityKeySecret: secretsmanager.ISecret;
}

/**
 * The project's Lambda function with its fixed defaults: Node 22 on arm64, one minified CJS bundle
 * per handler with the AWS SDK inside (what we measure is what runs), source maps, X-Ray tracing,
 * its own log group kept one month, and the Parameters and Secrets extension that serves the
 * identity key. Table access goes through `bindTable`, which grants exactly
 * the spec's access level and sets TABLE_NAME in the same call.
 */
export class CrmFunction extends NodejsFunction {
  readonly spec: FunctionSpec;

  constructor(scope: Construct, id: string, props: CrmFunctionProps) {
    const { spec } = props;
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      functionName: `crm-${props.stage}-${spec.name}`,
      description: `CRM ${spec.name} (${spec.entry})`,
      entry: path.join(REPO_ROOT, spec.entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: OutputFormat.CJS,
        externalModules: [],
        mainFields: ['module', 'main'],
        // Same aliases as `npm run bench` (infra/bundling.ts): Lambda credentials come from the environment.
        esbuildArgs: esbuildAliasArgs(),
      },
      // shared/runtime/deps.ts reads the identity key through this extension (cached local HTTP call).
      paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, {
        cacheEnabled: true,
        logLevel: lambda.ParamsAndSecretsLogLevel.WARN,
      }),
      environment: {
        EVENT_BUS_NAME: props.eventBusName,
        CRM_STAGE: props.stage,
        DEFAULT_PHONE_REGION: props.defaultPhoneRegion,
        CRM_IDENTITY_KEY_SECRET_ARN: props.identityKeySecret.secretArn,
        POWERTOOLS_SERVICE_NAME: 'crm',
        POWERTOOLS_METRICS_NAMESPACE: 'Crm',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    this.spec = spec;
    props.identityKeySecret.grantRead(this);
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-L1',
        reason: 'Pinned to nodejs22.x on purpose: bundles target node22 and the code is tested on the Node 20/22 line; moving to a newer runtime is a deliberate upgrade, not a silent default.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWS-managed policy limited to logs:CreateLogGroup/CreateLogStream/PutLogEvents, the minimum a function needs to write its logs.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
      },
    );
  }

  /**
   * Grants exactly the table actions the spec declares (least privilege): reads are GetItem,
   * BatchGetItem, Query and ConditionCheckItem; writes add PutItem, UpdateItem, DeleteItem and
   * BatchWriteItem; Scan only for the few functions that scan (`scans` in the wiring); no stream
   * actions (the stream relay gets those from its event source). The table's key: decrypt for
   * reads, encrypt/decrypt for writes. Points TABLE_NAME at the table.
   */
  bindTable(table: dynamodb.ITable, access: FunctionSpec['table'], scans = false): this {
    const actions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
    if (access === 'write') actions.push('dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem');
    if (scans) actions.push('dynamodb:Scan');
    table.grant(this, ...actions);
    if (table.encryptionKey) {
      if (access === 'write') table.encryptionKey.grantEncryptDecrypt(this);
      else table.encryptionKey.grantDecrypt(this);
    }
    this.addEnvironment('TABLE_NAME', table.tableName);
    this.addEnvironment('CRM_TABLE_ACCESS', access);
    // Profiles' personal fields are encrypted with a data key generated under the table's key (shared/runtime/kms-data-key.ts):
    // the table grants above already allow kms:Decrypt (read) and kms:GenerateDataKey* (write) on that one key.
    if (table.encryptionKey) this.addEnvironment('CRM_PII_KMS_KEY_ARN', table.encryptionKey.keyArn);
    const indexes = flattenCfnReference(Stack.of(this).resolve(`${table.tableArn}/index/*`));
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${indexes}]`,
      reason: 'Queries on the single table go through its global secondary indexes (GSI1, GSI2); the wildcard covers only the indexes of this one table.',
    });
    if (access === 'write' && table.encryptionKey) {
      const reason = 'Writing to the table encrypted with the customer-managed key needs kms:GenerateDataKey*/ReEncrypt*; the grant is scoped to that one key ARN.';
      Validations.of(this).acknowledge(
        { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason },
        { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason },
      );
    }
    return this;
  }
}
