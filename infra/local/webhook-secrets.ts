import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWebhookSecrets } from '../../shared/http/webhook-secrets';

/**
 * The local stand-in for the webhook secrets in Secrets Manager: `<stateDir>/webhook-secrets.json`,
 * created on first start with a random secret for every Shopify shop (`*`), every WooCommerce site
 * (`*`) and the generic source `default`. Edit it to add shops or sources, or to rotate (list the
 * new secret next to the old one); it is read on every delivery, so no restart is needed.
 */
export const WEBHOOK_SECRETS_FILE = 'webhook-secrets.json';

const newSecret = () => randomBytes(24).toString('base64url');

export function ensureWebhookSecrets(stateDir: string): string {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const path = join(stateDir, WEBHOOK_SECRETS_FILE);
  if (!existsSync(path)) {
    const doc = { shopify: { '*': [newSecret()] }, woocommerce: { '*': [newSecret()] }, generic: { default: [newSecret()] } };
    try {
      writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process made it first
    }
  }
  parseWebhookSecrets(readFileSync(path, 'utf8')); // a broken file fails the start, not every delivery
  return path;
}

/** The receivers' secrets port: the file as it is now. */
export const webhookSecretsReader = (path: string) => async (): Promise<string> => readFileSync(path, 'utf8');
