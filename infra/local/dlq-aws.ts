import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';

/**
 * `npm run dlq -- list|replay --aws --stack Crm-<stage>-Stateless`: the deployed stack's DLQs,
 * found by its outputs `Dlq<Name>Url`. Depth from SQS GetQueueAttributes; replay with SQS
 * StartMessageMoveTask back to the queue named by `Dlq<Name>SourceQueueArn`. A DLQ fed by a
 * function (schedule target) or the table stream holds no queue messages to move: it is listed,
 * and `replay` says so instead of moving anything.
 */
export interface AwsDlqOptions {
  stack: string;
  queue?: string;
  region?: string;
  clients?: { cfn: CloudFormationClient; sqs: SQSClient };
  print?: (line: string) => void;
}

export const pascal = (kebab: string) => kebab.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

export async function awsDlq(command: 'list' | 'replay', opts: AwsDlqOptions): Promise<void> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const cfg = opts.region ? { region: opts.region } : {};
  const cfn = opts.clients?.cfn ?? new CloudFormationClient(cfg);
  const sqs = opts.clients?.sqs ?? new SQSClient(cfg);
  try {
    const res = await cfn.send(new DescribeStacksCommand({ StackName: opts.stack }));
    const outputs = res.Stacks?.[0]?.Outputs ?? [];
    const wanted = opts.queue ? `Dlq${pascal(opts.queue)}Url` : undefined;
    const dlqs = outputs.filter((o) => /^Dlq.+Url$/.test(o.OutputKey ?? '') && o.OutputValue && (!wanted || o.OutputKey === wanted));
    if (dlqs.length === 0) throw new Error(`${opts.stack} has no output ${wanted ?? 'Dlq<Name>Url'}; outputs: ${outputs.map((o) => o.OutputKey).join(', ') || 'none'}`);
    const byKey = new Map(outputs.map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
    for (const o of dlqs) {
      const name = o.OutputKey!.replace(/^Dlq|Url$/g, '');
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: o.OutputValue!, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      const a = attrs.Attributes ?? {};
      const depth = Number(a.ApproximateNumberOfMessages ?? 0);
      const sourceQueue = byKey.get(`Dlq${name}SourceQueueArn`);
      const other = ['Function', 'Stream'].find((k) => byKey.has(`Dlq${name}Source${k}Arn`));
      if (command === 'list') {
        print(`${name.padEnd(24)} ${depth} message(s) (${a.ApproximateNumberOfMessagesNotVisible ?? '0'} in flight)${other ? `  [fed by a ${other.toLowerCase()}]` : ''}`);
      } else if (depth === 0) {
        print(`${name.padEnd(24)} empty, nothing to replay`);
      } else if (other) {
        print(`${name.padEnd(24)} ${depth} message(s) not moved: fed by a ${other.toLowerCase()} (${byKey.get(`Dlq${name}Source${other}Arn`)}), not a queue; see the stack output's description`);
      } else {
        const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: a.QueueArn!, ...(sourceQueue ? { DestinationArn: sourceQueue } : {}) }));
        print(`${name.padEnd(24)} moving ${depth} message(s) back to ${sourceQueue ?? 'their source queue'} (task ${task.TaskHandle})`);
      }
    }
  } finally {
    if (!opts.clients) {
      cfn.destroy();
      sqs.destroy();
    }
  }
}
