import { parseWebhookSecrets, secretsFor, WebhookSecretsError } from '../../shared/http/webhook-secrets';
import { cachedFor } from '../../shared/runtime/deps';

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

// The SQS adapter (SqsMessageQueue) is tested in ./sqs-message-queue.test.ts against a local HTTP stand-in.
