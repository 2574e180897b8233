import { Template, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IMPLICIT_SENDERS, SMS_EVENTS } from '../../infra/stacks/messaging-channels';
import { readSettings, SettingsError } from '../../infra/settings';
import { pascal } from '../../infra/stacks/stateless-stack';
import { WIRING } from '../../infra/wiring';
import { mergedTemplate } from './template-helpers';
import { buildTestApp, TEST_SETTINGS, type TestApp } from './test-app';

/**
 * Messaging (issue 6) in AWS: the feedback topic feeding the message-feedback queue, the SES and
 * SMS configuration sets publishing to it, and send rights and channel environment only for the
 * functions that send — with the providers configured, and without them (dev outbox everywhere).
 */
const SES_IDENTITY = 'tea.example.com';
const SMS_ARN = 'arn:aws:sms-voice:ap-southeast-1:111122223333:pool/pool-0123456789abcdef';

let on: TestApp;
let off: TestApp;
let onTemplate: Template;
let offTemplate: Template;

beforeAll(() => {
  on = buildTestApp({ ...TEST_SETTINGS, stage: 'msg', messaging: { sesIdentity: SES_IDENTITY, smsOriginationIdentityArn: SMS_ARN } });
  off = buildTestApp();
  onTemplate = mergedTemplate(on.stateless);
  offTemplate = mergedTemplate(off.stateless);
});
afterAll(() => {
  on?.cleanup();
  off?.cleanup();
});

const senders = WIRING.filter((s) => s.channels || IMPLICIT_SENDERS.includes(s.name)).map((s) => s.name);

function fnEnv(t: Template, name: string): Record<string, unknown> {
  const fns = t.findResources('AWS::Lambda::Function', { Properties: { FunctionName: Match.stringLikeRegexp(`-${name}$`) } });
  const fn = Object.values(fns).find((f) => String(f.Properties.FunctionName).endsWith(`-${name}`));
  if (!fn) throw new Error(`no function ${name}`);
  return fn.Properties.Environment.Variables;
}

/** Every IAM action granted to a function's role (policies found by their Roles reference). */
function actionsOf(t: Template, name: string): string[] {
  const roleId = Object.entries(t.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith(`${pascal(name)}ServiceRole`))?.[0];
  if (!roleId) throw new Error(`no role for ${name}`);
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));
}

describe('the feedback path', () => {
  test('an encrypted, TLS-only topic that SES and SMS may publish to, subscribed by the message-feedback queue', () => {
    for (const t of [onTemplate, offTemplate]) {
      t.hasResourceProperties('AWS::SNS::Topic', { TopicName: Match.stringLikeRegexp('-message-feedback$'), KmsMasterKeyId: Match.anyValue() });
      t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sqs', Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MessageFeedbackWorkQueue'), 'Arn'] } });
      t.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' }, Action: 'sns:Publish' }),
            Match.objectLike({ Effect: 'Allow', Principal: { Service: 'sms-voice.amazonaws.com' }, Action: 'sns:Publish' }),
          ]),
        },
      });
    }
  });

  test('the data key lets SES, SMS and SNS encrypt feedback for this account only', () => {
    Template.fromStack(on.stateful).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowMessageFeedbackPublishersToUseTheKey', Principal: { Service: ['sns.amazonaws.com', 'ses.amazonaws.com', 'sms-voice.amazonaws.com'] }, Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } } })]) },
    });
  });
});

describe('with SES and SMS configured', () => {
  test('an SES configuration set publishes deliveries, bounces and complaints to the topic', () => {
    onTemplate.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'crm-msg' });
    onTemplate.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: Match.anyValue(),
      EventDestination: { Enabled: true, MatchingEventTypes: ['delivery', 'bounce', 'complaint'], SnsDestination: { TopicARN: { Ref: Match.stringLikeRegexp('FeedbackTopic') } } },
    });
  });

  test('an SMS configuration set publishes delivery receipts to the topic', () => {
    onTemplate.hasResourceProperties('AWS::SMSVOICE::ConfigurationSet', {
      ConfigurationSetName: 'crm-msg-sms',
      EventDestinations: [{ EventDestinationName: 'feedback', Enabled: true, MatchingEventTypes: SMS_EVENTS, SnsDestination: { TopicArn: { Ref: Match.stringLikeRegexp('FeedbackTopic') } } }],
    });
  });

  test('only the sending functions may send, with the channel environment', () => {
    expect(senders).toEqual(expect.arrayContaining(['messages-send', 'sms-inbound', 'timers', 'surveys-send']));
    for (const name of senders) {
      expect(actionsOf(onTemplate, name)).toEqual(expect.arrayContaining(['ses:SendEmail', 'sms-voice:SendTextMessage']));
      expect(fnEnv(onTemplate, name)).toMatchObject({
        CRM_EMAIL_PROVIDER: 'ses',
        CRM_SES_IDENTITY_ARN: { 'Fn::Join': ['', expect.arrayContaining([`:identity/${SES_IDENTITY}`])] },
        CRM_SES_CONFIGURATION_SET: 'crm-msg',
        CRM_SMS_PROVIDER: 'end-user-messaging',
        CRM_SMS_ORIGINATION_IDENTITY: SMS_ARN,
        CRM_SMS_CONFIGURATION_SET: 'crm-msg-sms',
        CRM_CHANNEL_WEBHOOK_SECRET_ARN: { 'Fn::ImportValue': expect.stringMatching(/ChannelWebhookSecret/) },
      });
    }
    for (const other of ['customers-get', 'templates-create', 'message-feedback', 'messaging-attribution', 'outbox-relay']) {
      expect(actionsOf(onTemplate, other)).not.toContain('ses:SendEmail');
      expect(fnEnv(onTemplate, other).CRM_EMAIL_PROVIDER).toBeUndefined();
    }
  });

  test('the send rights name the identity, the pool and the configuration sets, nothing wider', () => {
    const statements = Object.values(onTemplate.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]);
    const ses = statements.filter((s) => s.Action === 'ses:SendEmail');
    const sms = statements.filter((s) => s.Action === 'sms-voice:SendTextMessage');
    expect(ses.length).toBe(senders.length);
    expect(sms.length).toBe(senders.length);
    expect(JSON.stringify(ses[0]!.Resource)).toMatch(/identity\/tea\.example\.com.*configuration-set\/crm-msg/);
    expect(sms[0]!.Resource).toEqual([SMS_ARN, { 'Fn::Join': ['', expect.arrayContaining([':configuration-set/crm-msg-sms'])] }]);
  });

  test('cdk-nag has no unacknowledged finding with the channels on', () => {
    const findings = (stack: typeof on.stateless | typeof on.stateful) =>
      new AwsSolutionsChecks().validateScope(stack).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
    on.app.synth();
    expect(findings(on.stateless)).toEqual([]);
    expect(findings(on.stateful)).toEqual([]);
  });
});

describe('without providers', () => {
  test('no configuration sets and no send rights; the webhook channel secret is still there', () => {
    offTemplate.resourceCountIs('AWS::SES::ConfigurationSet', 0);
    offTemplate.resourceCountIs('AWS::SMSVOICE::ConfigurationSet', 0);
    for (const name of senders) {
      expect(actionsOf(offTemplate, name)).not.toContain('ses:SendEmail');
      expect(fnEnv(offTemplate, name).CRM_EMAIL_PROVIDER).toBeUndefined();
      expect(fnEnv(offTemplate, name).CRM_CHANNEL_WEBHOOK_SECRET_ARN).toBeDefined();
    }
    Template.fromStack(off.stateful).hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'crm-test/channel-webhook-secret' });
  });

  test('deploy settings are validated', () => {
    const ctx = (extra: Record<string, string>) => ({ tryGetContext: (k: string) => ({ corsOrigins: 'https://app.example.com', ...extra })[k] });
    expect(readSettings(ctx({ sesIdentity: 'news@tea.example.com', smsOriginationIdentityArn: SMS_ARN })).messaging).toEqual({ sesIdentity: 'news@tea.example.com', smsOriginationIdentityArn: SMS_ARN });
    expect(readSettings(ctx({})).messaging).toBeUndefined();
    expect(() => readSettings(ctx({ sesIdentity: 'not an identity', smsOriginationIdentityArn: 'pool-1' }))).toThrow(SettingsError);
  });
});
