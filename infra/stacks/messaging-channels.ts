import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as smsvoice from 'aws-cdk-lib/aws-smsvoice';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { CrmFunction } from '../constructs/crm-function';
import type { WorkQueue } from '../constructs/queues';
import type { Settings } from '../settings';
import type { StatefulStack } from './stateful-stack';

/**
 * Messaging (issue 6): the channels' cloud side.
 *
 * - One feedback SNS topic (encrypted with the data key, TLS only) that SES event publishing, End
 *   User Messaging SMS events and two-way SMS publish to; the `message-feedback` work queue is
 *   subscribed to it and its worker applies each event (shared/usecases/messaging/feedback.ts).
 * - With `sesIdentity`: an SES configuration set publishing deliveries, bounces and complaints to
 *   the topic (opens and clicks are tracked by our own pixel and redirects), and e-mail through SES.
 * - With `smsOriginationIdentityArn`: an SMS configuration set publishing delivery receipts, and SMS
 *   through End User Messaging.
 * - Functions that send (`channels: true` in the wiring, the timers worker that fires quiet-hours
 *   messages, care and survey messages, and the NPS survey route) get exactly the send rights of
 *   the configured channels, the channel environment (shared/runtime/messaging.ts `channelEnv`)
 *   and read access to the webhook channel secret.
 */
export interface MessagingChannelsProps {
  settings: Settings;
  stateful: StatefulStack;
  feedbackQueue?: WorkQueue;
  functions: ReadonlyMap<string, CrmFunction>;
}

/** Functions that send to customers without saying so in the wiring: the timers worker (quiet-hours messages, care, CSAT surveys) and the NPS route. */
export const IMPLICIT_SENDERS: readonly string[] = ['timers', 'surveys-send'];

const SES_EVENTS = [ses.EmailSendingEvent.DELIVERY, ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT];
export const SMS_EVENTS = ['TEXT_DELIVERED', 'TEXT_SUCCESSFUL', 'TEXT_INVALID', 'TEXT_INVALID_MESSAGE', 'TEXT_UNREACHABLE', 'TEXT_CARRIER_UNREACHABLE', 'TEXT_BLOCKED', 'TEXT_CARRIER_BLOCKED', 'TEXT_SPAM', 'TEXT_UNKNOWN', 'TEXT_TTL_EXPIRED'];

export class MessagingChannels extends Construct {
  readonly topic: sns.Topic;
  readonly sesConfigurationSet?: ses.ConfigurationSet;
  readonly smsConfigurationSet?: smsvoice.CfnConfigurationSet;

  constructor(scope: Construct, id: string, props: MessagingChannelsProps) {
    super(scope, id);
    const { stage } = props.settings;
    const stack = Stack.of(this);
    const { key } = props.stateful;

    this.topic = new sns.Topic(this, 'FeedbackTopic', { topicName: `crm-${stage}-message-feedback`, masterKey: key, enforceSSL: true });
    for (const service of ['ses.amazonaws.com', 'sms-voice.amazonaws.com']) {
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `Allow${service.split('.')[0]!.replace(/-/g, '')}ToPublishFeedback`,
          principals: [new iam.ServicePrincipal(service)],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
        }),
      );
    }
    if (props.feedbackQueue) this.topic.addSubscription(new subscriptions.SqsSubscription(props.feedbackQueue.queue));

    const env: Record<string, string> = { CRM_CHANNEL_WEBHOOK_SECRET_ARN: props.stateful.channelWebhookSecret.secretArn };
    const statements: iam.PolicyStatement[] = [];
    const { sesIdentity, smsOriginationIdentityArn } = props.settings.messaging ?? {};
    if (sesIdentity) {
      const name = `crm-${stage}`;
      this.sesConfigurationSet = new ses.ConfigurationSet(this, 'SesConfigurationSet', { configurationSetName: name, reputationMetrics: true, sendingEnabled: true });
      this.sesConfigurationSet.addEventDestination('Feedback', { destination: ses.EventDestination.snsTopic(this.topic), events: SES_EVENTS });
      const identityArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: sesIdentity });
      const setArn = stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: name });
      statements.push(new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: [identityArn, setArn] }));
      Object.assign(env, { CRM_EMAIL_PROVIDER: 'ses', CRM_SES_IDENTITY_ARN: identityArn, CRM_SES_CONFIGURATION_SET: name });
    }
    if (smsOriginationIdentityArn) {
      const name = `crm-${stage}-sms`;
      this.smsConfigurationSet = new smsvoice.CfnConfigurationSet(this, 'SmsConfigurationSet', {
        configurationSetName: name,
        eventDestinations: [{ eventDestinationName: 'feedback', enabled: true, matchingEventTypes: SMS_EVENTS, snsDestination: { topicArn: this.topic.topicArn } }],
      });
      const setArn = stack.formatArn({ service: 'sms-voice', resource: 'configuration-set', resourceName: name });
      statements.push(new iam.PolicyStatement({ actions: ['sms-voice:SendTextMessage'], resources: [smsOriginationIdentityArn, setArn] }));
      Object.assign(env, { CRM_SMS_PROVIDER: 'end-user-messaging', CRM_SMS_ORIGINATION_IDENTITY: smsOriginationIdentityArn, CRM_SMS_CONFIGURATION_SET: name });
    }

    for (const fn of props.functions.values()) {
      if (!fn.spec.channels && !IMPLICIT_SENDERS.includes(fn.spec.name)) continue;
      for (const s of statements) fn.addToRolePolicy(s);
      for (const [k, v] of Object.entries(env)) fn.addEnvironment(k, v);
      props.stateful.channelWebhookSecret.grantRead(fn);
    }

    new CfnOutput(stack, 'MessageFeedbackTopicArn', { value: this.topic.topicArn, description: 'SES and SMS events and two-way SMS publish here (set it as the two-way channel of the SMS number); the message-feedback queue consumes it' });
  }
}
