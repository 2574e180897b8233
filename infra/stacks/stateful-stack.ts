import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { ROLES } from '../../shared/domain/roles';
import { TRANSFER_RETENTION_DAYS } from '../../shared/domain/transfers';
import { EVENT_SOURCE } from '../../shared/events/envelope';
import { BLOB_PREFIXES } from '../../shared/store/keys';
import { TABLE_DEFINITION } from '../../shared/store/table';
import type { Settings } from '../settings';
// Machine clients (issue 7)
import { INTEGRATION_SCOPE_NAME, RESOURCE_SERVER_ID } from '../../shared/http/principal';

const pascalName = (kebab: string) => kebab.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/**
 * The transfer bucket's name, fixed like the table's so the stateless stack scopes its grants to
 * `arn:…:s3:::<name>/<prefix>/*` without a cross-stack reference (globally unique per account and region).
 */
export const transferBucketName = (stage: string, account: string, region: string) => `crm-${stage}-transfers-${account}-${region}`;

export interface StatefulStackProps extends StackProps {
  settings: Settings;
}

/**
 * Everything that holds data or identity and must outlive a redeploy of the functions: the key,
 * the table, the bus and its archive, the user pool, the identity-hash secret and the alarm topic.
 */
export class StatefulStack extends Stack {
  readonly key: kms.Key;
  readonly table: dynamodb.Table;
  /** Fixed, so the stateless stack can address the table (and its indexes) without a cross-stack export. */
  readonly tableName: string;
  readonly bus: events.EventBus;
  readonly archive: events.Archive;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly groups: cognito.CfnUserPoolGroup[];
  readonly identityKeySecret: secretsmanager.Secret;
  /** Webhook signing secrets per source (JSON, docs/webhooks.md); read by the webhook receivers only. */
  readonly webhookSecrets: secretsmanager.Secret;
  readonly alarmTopic: sns.Topic;
  /** Import uploads and export files (presigned URLs only), each expiring after TRANSFER_RETENTION_DAYS. */
  readonly transfers: s3.Bucket;
  // Messaging (issue 6)
  /** The webhook channel's signing secret, shared with the brand's gateway (outbound messages and inbound SMS replies). */
  readonly channelWebhookSecret: secretsmanager.Secret;
  // Machine clients (issue 7)
  /** The API's resource server (`crm`, scope `integration`): the scope machine clients' tokens carry. */
  readonly resourceServer: cognito.UserPoolResourceServer;
  /** The Cognito domain serving the OAuth token endpoint (client-credentials grant). */
  readonly authDomain: cognito.UserPoolDomain;
  /** Machine app clients by name (client credentials, generated secret, scope crm/integration); the JWT authorizer's audience lists them. */
  readonly machineClients = new Map<string, cognito.UserPoolClient>();

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { stage, alarmEmail } = props.settings;

    this.key = new kms.Key(this, 'DataKey', {
      alias: `alias/crm-${stage}`,
      description: `CRM ${stage}: encrypts the table, bus, queues, alarm topic and transfer bucket`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to the encrypted topic; SQS-targeting rules are granted by their targets.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.tableName = `crm-${stage}`;
    this.table = this.buildTable(this.tableName);

    const busName = `crm-${stage}`;
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: busName, kmsKey: this.key });
    // The archive's key-policy grant names the bus ARN; built from the fixed name (not Fn::GetAtt) so the
    // key does not depend on the bus that depends on the key. `bus.archive()` would also drop `kmsKey`.
    const busByArn = events.EventBus.fromEventBusArn(this, 'BusByArn', this.formatArn({ service: 'events', resource: 'event-bus', resourceName: busName }));
    this.archive = new events.Archive(this, 'Archive', {
      sourceEventBus: busByArn,
      archiveName: `crm-${stage}-events`,
      description: 'Every CRM domain event, kept 30 days for replay',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(30),
      kmsKey: this.key,
    });
    this.archive.node.addDependency(this.bus);

    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: `crm-${stage}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.groups = ROLES.map(
      (role) =>
        new cognito.CfnUserPoolGroup(this, `Group-${role}`, {
          userPoolId: this.userPool.userPoolId,
          groupName: role,
          description: `CRM role "${role}": permissions from shared/domain/roles.ts`,
        }),
    );
    this.userPoolClient = this.userPool.addClient('AppClient', {
      userPoolClientName: `crm-${stage}-app`,
      generateSecret: false,
      authFlows: { userSrp: true },
      // Machine clients (issue 7): the pool now has a domain (the token endpoint); people sign in by SRP, never through the hosted UI's redirects.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    // Machine clients (issue 7): resource server, token endpoint domain and the machine app clients.
    ({ resourceServer: this.resourceServer, authDomain: this.authDomain } = this.buildMachineClients(props.settings));

    this.identityKeySecret = new secretsmanager.Secret(this, 'IdentityKey', {
      secretName: `crm-${stage}/identity-key`,
      description: 'Key of the identity blind index (HMAC of normalized emails and phones)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Starts as an empty configuration (every webhook is refused) until the operator puts the shops'
    // secrets in (README, Operate); the generated key only keeps plaintext out of the template.
    this.webhookSecrets = new secretsmanager.Secret(this, 'WebhookSecrets', {
      secretName: `crm-${stage}/webhook-secrets`,
      description: 'Webhook signing secrets per source: {"shopify":{"<shop>|*":[...]},"woocommerce":{...},"generic":{"<sourceId>":[...]}}',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ shopify: {}, woocommerce: {}, generic: {} }),
        generateStringKey: 'unused',
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.alarmTopic = new sns.Topic(this, 'Alarms', {
      topicName: `crm-${stage}-alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    if (alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));

    this.transfers = this.buildTransferBucket(stage, props.settings.corsOrigins);
    // Messaging (issue 6): the webhook channel secret, and the key open to the services that publish message feedback.
    this.channelWebhookSecret = this.buildMessagingSecrets(stage);
    this.acknowledgeFindings();
  }

  /**
   * Where import uploads land and export files are written: private (public access blocked, TLS
   * only, bucket owner owns every object), encrypted with the data key, reached by clients only
   * through presigned URLs the API issues; every object expires after TRANSFER_RETENTION_DAYS.
   */
  private buildTransferBucket(stage: string, corsOrigins: readonly string[]): s3.Bucket {
    const expire = Duration.days(TRANSFER_RETENTION_DAYS);
    const bucket = new s3.Bucket(this, 'Transfers', {
      bucketName: transferBucketName(stage, this.account, this.region),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: 'expire-import-uploads', prefix: BLOB_PREFIXES.imports, expiration: expire, abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-export-files', prefix: BLOB_PREFIXES.exports, expiration: expire, abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Browsers PUT uploads and GET exports straight from the presigned URLs.
      cors: [{ allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET], allowedOrigins: [...corsOrigins], allowedHeaders: ['content-type'], maxAge: 600 }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Objects are transfer files that live at most 7 days and are reached only through presigned URLs the API issues to authenticated callers (logged per request with a correlation id); object-level audit is CloudTrail data events, enabled per deployment, not a second access-log bucket.',
    });
    return bucket;
  }

  private buildTable(tableName: string): dynamodb.Table {
    const d = TABLE_DEFINITION;
    const str = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    const table = new dynamodb.Table(this, 'Table', {
      tableName,
      partitionKey: str(d.partitionKey),
      sortKey: str(d.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: dynamodb.StreamViewType[d.stream],
      timeToLiveAttribute: d.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of d.globalIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: gsi.name,
        partitionKey: str(gsi.partitionKey),
        sortKey: str(gsi.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }

  /**
   * Messaging (issue 6): the webhook channel secret (signs messages to the brand's gateway; replies
   * from it are checked with it) and the data key usable by SES, End User Messaging SMS and SNS,
   * which publish delivery feedback to the encrypted feedback topic and its encrypted queue.
   */
  private buildMessagingSecrets(stage: string): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'ChannelWebhookSecret', {
      secretName: `crm-${stage}/channel-webhook-secret`,
      description: 'Signs messages of the webhook channel (X-CRM-Signature) and checks inbound SMS replies; a text, or a JSON list during a rotation (first signs)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The channel secret is shared with the brand\'s gateway, which must be changed at the same time; rotation is the documented two-secret window (a JSON list), not an automatic schedule.',
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowMessageFeedbackPublishersToUseTheKey',
        principals: ['sns.amazonaws.com', 'ses.amazonaws.com', 'sms-voice.amazonaws.com'].map((s) => new iam.ServicePrincipal(s)),
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    return secret;
  }

  // Machine clients (issue 7)
  /**
   * Machine-to-machine access: the `crm` resource server with the `integration` scope, a Cognito
   * domain for the token endpoint, and one app client per name in `machineClients` (default
   * `integrations`): client-credentials grant only, a generated secret, scope `crm/integration`,
   * no user sign-in flow. Their tokens have `sub` = `client_id` and no groups; the HTTP kernel maps
   * the scope to the integration role (shared/http/principal.ts), so no pre-token-generation
   * trigger is needed. The ids are outputs; the secrets stay in Cognito (describe-user-pool-client).
   */
  private buildMachineClients(settings: Settings): { resourceServer: cognito.UserPoolResourceServer; authDomain: cognito.UserPoolDomain } {
    const scope = new cognito.ResourceServerScope({ scopeName: INTEGRATION_SCOPE_NAME, scopeDescription: 'Call the CRM API as an integration (role integration, held to the client grant)' });
    const resourceServer = this.userPool.addResourceServer('ApiResourceServer', { identifier: RESOURCE_SERVER_ID, userPoolResourceServerName: `crm-${settings.stage}-api`, scopes: [scope] });
    const authDomain = this.userPool.addDomain('AuthDomain', { cognitoDomain: { domainPrefix: settings.authDomainPrefix ?? `crm-${settings.stage}-${this.account}` } });
    for (const name of settings.machineClients ?? ['integrations']) {
      const client = this.userPool.addClient(`Machine${pascalName(name)}`, {
        userPoolClientName: `crm-${settings.stage}-m2m-${name}`,
        generateSecret: true,
        oAuth: { flows: { clientCredentials: true }, scopes: [cognito.OAuthScope.resourceServer(resourceServer, scope)] },
        enableTokenRevocation: true,
        preventUserExistenceErrors: true,
        accessTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.hours(1),
        supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      });
      // No user sign-in flow at all (CDK cannot express an empty list; the client-credentials grant issues no refresh token).
      (client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
      this.machineClients.set(name, client);
      new CfnOutput(this, `MachineClient${pascalName(name)}Id`, { value: client.userPoolClientId, description: `Machine client "${name}" (client credentials, scope crm/integration); grant it with PUT /v1/integration-clients/<this id>` });
    }
    new CfnOutput(this, 'TokenEndpoint', { value: `${authDomain.baseUrl()}/oauth2/token`, description: 'OAuth token endpoint of the machine clients (grant_type=client_credentials, scope=crm/integration)' });
    return { resourceServer, authDomain };
  }

  /** cdk-nag findings that are deliberate, each with the reason (test/infra/nag.test.ts enforces this list). */
  private acknowledgeFindings(): void {
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is OPTIONAL (TOTP only): staff accounts enrol in TOTP at first sign-in, and the integration role uses machine credentials that cannot answer an MFA challenge.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection needs the Cognito Plus feature plan (priced per active user); staff sign-in is invite-only with a strong password policy and TOTP, so Plus is a per-deployment decision, not a default.',
      },
    );
    Validations.of(this.identityKeySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The identity key is the HMAC key of the blind index stored in the table keys: rotating it would orphan every hashed email/phone key, so rotation is a planned re-index, not an automatic schedule.',
    });
    Validations.of(this.webhookSecrets).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Webhook secrets are issued by the shops (Shopify app secret, WooCommerce webhook secret) or shared with a sender; a rotation Lambda cannot change them there, so rotation is the documented two-secret window (README, Operate).',
    });
  }
}
