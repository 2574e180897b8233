import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { parseWebhookSecrets, secretsFor, WebhookSecretsError } from '../../shared/http/webhook-secrets';
import { cachedFor } from '../../shared/runtime/deps';
import { queueUrlEnv } from '../../shared/runtime/message-queue';
import { SqsMessageQueue } from '../../shared/runtime/sqs-message-queue';

describe('webhook secrets document', () => {
  const secrets = parseWebhookSecrets(
    JSON.stringify({
      shopify: { '*': ['app-new', 'app-old'], 'Special.myshopify.com': ['special'] },
      woocommerce: { 'https://shop.example.com/': ['wc'], '*': 'wc-any' },
      generic: { default: ['g1', 'g0'] },
      comment: 'unknown top-level keys are ignored',
    }),
  );

  it('gives a shop its own secrets (domain case-insensitive), else the wildcard', () => {
    expect(secretsFor(secrets, 'shopify', 'special.myshopify.com')).toEqual(['special']);
    expect(secretsFor(secrets, 'shopify', 'SPECIAL.myshopify.com')).toEqual(['special']);
    expect(secretsFor(secrets, 'shopify', 'other.myshopify.com')).toEqual(['app-new', 'app-old']);
  });

  it('matches a WooCommerce site with or without its trailing slash; a single string is one secret', () => {
    expect(secretsFor(secrets, 'woocommerce', 'https://shop.example.com')).toEqual(['wc']);
    expect(secretsFor(secrets, 'woocommerce', 'https://shop.example.com/')).toEqual(['wc']);
    expect(secretsFor(secrets, 'woocommerce', 'https://other.example.com')).toEqual(['wc-any']);
  });

  it('has no wildcard for generic sources, and nothing inherited from Object.prototype', () => {
    expect(secretsFor(secrets, 'generic', 'default')).toEqual(['g1', 'g0']);
    expect(secretsFor(secrets, 'generic', 'pos')).toEqual([]);
    expect(secretsFor(parseWebhookSecrets(JSON.stringify({ generic: { '*': ['x'] } })), 'generic', 'pos')).toEqual([]);
    expect(secretsFor(secrets, 'generic', 'constructor')).toEqual([]);
    expect(secretsFor(secrets, 'generic', '__proto__')).toEqual([]);
    expect(secretsFor(parseWebhookSecrets('{}'), 'shopify', 'a.myshopify.com')).toEqual([]);
  });

  it.each([
    ['not JSON', 'nope'],
    ['an array', '[]'],
    ['a section that is not an object', '{"shopify":["a"]}'],
    ['an empty secret', '{"generic":{"a":[""]}}'],
    ['a number', '{"generic":{"a":[5]}}'],
  ])('refuses %s', (_label, text) => {
    expect(() => parseWebhookSecrets(text)).toThrow(WebhookSecretsError);
  });
});

describe('cachedFor (secrets cached about 5 minutes)', () => {
  it('loads once within the ttl, again after it, and does not keep a failure', async () => {
    let now = 0;
    let calls = 0;
    let fail = false;
    const load = cachedFor(
      1000,
      async () => {
        calls++;
        if (fail) throw new Error('extension down');
        return `v${calls}`;
      },
      () => now,
    );
    expect(await load()).toBe('v1');
    now = 999;
    expect(await load()).toBe('v1');
    now = 1000;
    fail = true;
    await expect(load()).rejects.toThrow('extension down');
    fail = false;
    expect(await load()).toBe('v3');
    expect(calls).toBe(3);
  });
});

describe('SqsMessageQueue', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());
  const url = 'https://sqs.us-east-1.amazonaws.com/123456789012/crm-test-ingest';
  const client = () => new SQSClient({ region: 'us-east-1' });

  it('sends the body to the queue URL with the group id', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
    await new SqsMessageQueue({ ingest: url }, client()).send('ingest', '{"a":1}', { groupId: 'shopify:a.myshopify.com' });
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([{ QueueUrl: url, MessageBody: '{"a":1}', MessageGroupId: 'shopify:a.myshopify.com' }]);
  });

  it('retries throttling and server errors with backoff, then gives up', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException', $fault: 'client' });
    const server = Object.assign(new Error('oops'), { name: 'InternalError', $fault: 'server' });
    sqs.on(SendMessageCommand).rejectsOnce(throttled).rejectsOnce(server).resolves({ MessageId: 'm1' });
    await new SqsMessageQueue({ ingest: url }, client(), 3, 1).send('ingest', 'x');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(3);

    sqs.reset();
    sqs.on(SendMessageCommand).rejects(server);
    await expect(new SqsMessageQueue({ ingest: url }, client(), 3, 1).send('ingest', 'x')).rejects.toThrow('oops');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(3);
  });

  it('does not retry a client error', async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('too big'), { name: 'InvalidParameterValue', $fault: 'client' }));
    await expect(new SqsMessageQueue({ ingest: url }, client(), 3, 1).send('ingest', 'x')).rejects.toThrow('too big');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('reads queue URLs from QUEUE_URL_<NAME> and names the variable when one is missing', async () => {
    sqs.on(SendMessageCommand).resolves({});
    expect(queueUrlEnv('ingest')).toBe('QUEUE_URL_INGEST');
    const fromEnv = SqsMessageQueue.fromEnv({ QUEUE_URL_INGEST: url, OTHER: 'x' });
    expect((fromEnv as unknown as { urls: unknown }).urls).toEqual({ ingest: url });
    await expect(new SqsMessageQueue({}, client()).send('ingest', 'x')).rejects.toThrow('QUEUE_URL_INGEST');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});
