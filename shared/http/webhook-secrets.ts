import type { IngestSource } from '../domain/ingest';

/**
 * The webhook signing secrets, one JSON document (Secrets Manager in AWS, the state directory
 * locally; format in docs/webhooks.md):
 *
 *   { "shopify":     { "<shop>.myshopify.com": ["current", "previous"], "*": ["..."] },
 *     "woocommerce": { "https://shop.example.com": ["..."], "*": ["..."] },
 *     "generic":     { "<sourceId>": ["..."] } }
 *
 * Every listed secret is valid, so a rotation keeps the old one next to the new one for a while.
 * A shop or site with its own entry uses only that entry; others use `*`. Generic sources have
 * no wildcard: an unknown sourceId has no secret and is refused.
 */
export type WebhookSecrets = Record<IngestSource, Record<string, string[]>>;

const SOURCES: readonly IngestSource[] = ['shopify', 'woocommerce', 'generic'];

export class WebhookSecretsError extends Error {}

export function parseWebhookSecrets(text: string): WebhookSecrets {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new WebhookSecretsError('the webhook secrets are not valid JSON');
  }
  if (!isObject(doc)) throw new WebhookSecretsError('the webhook secrets must be a JSON object');
  // Null-prototype sections: a name like `__proto__` or `constructor` is just a name.
  const out = { shopify: Object.create(null), woocommerce: Object.create(null), generic: Object.create(null) } as WebhookSecrets;
  for (const source of SOURCES) {
    const section = doc[source];
    if (section === undefined) continue;
    if (!isObject(section)) throw new WebhookSecretsError(`webhook secrets: "${source}" must be an object of name -> [secrets]`);
    for (const [name, value] of Object.entries(section)) {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s.length === 0)) {
        throw new WebhookSecretsError(`webhook secrets: ${source}["${name}"] must be a list of non-empty strings`);
      }
      if (list.length > 0) out[source][normalize(source, name)] = list as string[];
    }
  }
  return out;
}

/** The secrets that may have signed a delivery from `sourceId`; empty when none is configured. */
export function secretsFor(secrets: WebhookSecrets, source: IngestSource, sourceId: string): string[] {
  const section = secrets[source];
  const own = Object.hasOwn(section, normalize(source, sourceId)) ? section[normalize(source, sourceId)] : undefined;
  if (own) return own;
  if (source === 'generic') return [];
  return Object.hasOwn(section, '*') ? (section['*'] ?? []) : [];
}

/** Shop domains compare case-insensitively; a site URL with or without its trailing slash is the same site. */
export function normalize(source: IngestSource, name: string): string {
  if (source === 'shopify') return name.trim().toLowerCase();
  if (source === 'woocommerce') return name.trim().replace(/\/+$/, '');
  return name;
}

let last: { text: string; parsed: WebhookSecrets } | undefined;

/** Parses the secrets text once per distinct value (the loader caches the text itself). */
export function parsedSecrets(text: string): WebhookSecrets {
  if (last?.text !== text) last = { text, parsed: parseWebhookSecrets(text) };
  return last.parsed;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
