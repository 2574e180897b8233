/** Deploy-time settings, read from the function's environment (set by CDK or the local runtime). */
export interface Config {
  stage: string;
  tableName: string;
  eventBusName: string;
  defaultPhoneRegion: string;
  /** base64 key for the identity blind index, or the ARN of the secret that holds it. */
  identityKey?: string;
  identityKeySecretArn?: string;
  /** ARN of the webhook signing secrets (JSON, see docs/webhooks.md); only webhook receivers get it. */
  webhookSecretsArn?: string;
  maxBodyBytes: number;
  /** Minutes after its last update an open checkout without an order becomes an abandoned cart. */
  checkoutAbandonMinutes: number;
  /** Largest webhook body accepted (raw bytes); a bigger delivery is answered 413. */
  maxWebhookBodyBytes: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    stage: env.CRM_STAGE ?? 'local',
    tableName: env.TABLE_NAME ?? 'crm-local',
    eventBusName: env.EVENT_BUS_NAME ?? 'crm-local',
    defaultPhoneRegion: env.DEFAULT_PHONE_REGION ?? 'CN',
    ...(env.CRM_IDENTITY_KEY ? { identityKey: env.CRM_IDENTITY_KEY } : {}),
    ...(env.CRM_IDENTITY_KEY_SECRET_ARN ? { identityKeySecretArn: env.CRM_IDENTITY_KEY_SECRET_ARN } : {}),
    ...(env.CRM_WEBHOOK_SECRETS_ARN ? { webhookSecretsArn: env.CRM_WEBHOOK_SECRETS_ARN } : {}),
    maxBodyBytes: Number(env.CRM_MAX_BODY_BYTES ?? 65_536),
    checkoutAbandonMinutes: Number(env.CRM_CHECKOUT_ABANDON_MINUTES ?? 60),
    maxWebhookBodyBytes: Number(env.CRM_MAX_WEBHOOK_BODY_BYTES ?? 1_000_000),
  };
}
