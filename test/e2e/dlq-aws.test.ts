import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { awsDlq } from '../../infra/local/dlq-aws';

/** `npm run dlq -- --aws`: the deployed stack's DLQs from its outputs, with SQS calls mocked. */
const cfn = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);
const clients = { cfn: new CloudFormationClient({ region: 'eu-west-1' }), sqs: new SQSClient({ region: 'eu-west-1' }) };
const arn = (n: string) => `arn:aws:sqs:eu-west-1:123456789012:${n}`;

beforeEach(() => {
  cfn.reset();
  sqs.reset();
  cfn.on(DescribeStacksCommand, { StackName: 'Crm-dev-Stateless' }).resolves({
    Stacks: [
      {
        StackName: 'Crm-dev-Stateless',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          { OutputKey: 'ApiUrl', OutputValue: 'https://api.example' },
          { OutputKey: 'DlqDuplicateDetectorUrl', OutputValue: 'https://sqs/dd-dlq' },
          { OutputKey: 'DlqDuplicateDetectorSourceQueueArn', OutputValue: arn('dd') },
          { OutputKey: 'DlqOutboxRelayUrl', OutputValue: 'https://sqs/relay-dlq' },
          { OutputKey: 'DlqOutboxRelaySourceStreamArn', OutputValue: 'arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/x' },
        ],
      },
    ],
  });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs/dd-dlq' }).resolves({ Attributes: { QueueArn: arn('dd-dlq'), ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '0' } });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs/relay-dlq' }).resolves({ Attributes: { QueueArn: arn('relay-dlq'), ApproximateNumberOfMessages: '1' } });
  sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
});

it('lists the depth of every DLQ output of the stack', async () => {
  const lines: string[] = [];
  await awsDlq('list', { stack: 'Crm-dev-Stateless', clients, print: (l) => lines.push(l) });
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^DuplicateDetector\s+3 message/);
  expect(lines[1]).toMatch(/^OutboxRelay\s+1 message.*fed by a stream/);
  expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
});

it('replays a queue-fed DLQ to its source queue with StartMessageMoveTask, and does not move a stream-fed one', async () => {
  const lines: string[] = [];
  await awsDlq('replay', { stack: 'Crm-dev-Stateless', clients, print: (l) => lines.push(l) });
  const moves = sqs.commandCalls(StartMessageMoveTaskCommand);
  expect(moves).toHaveLength(1);
  expect(moves[0]!.args[0].input).toEqual({ SourceArn: arn('dd-dlq'), DestinationArn: arn('dd') });
  expect(lines.join('\n')).toMatch(/OutboxRelay.*not moved/);
});

it('filters by --queue and names the missing output', async () => {
  const lines: string[] = [];
  await awsDlq('list', { stack: 'Crm-dev-Stateless', queue: 'duplicate-detector', clients, print: (l) => lines.push(l) });
  expect(lines).toHaveLength(1);
  await expect(awsDlq('list', { stack: 'Crm-dev-Stateless', queue: 'nope', clients, print: () => undefined })).rejects.toThrow(/DlqNopeUrl/);
});
