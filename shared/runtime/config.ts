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
  /** Days an audit record is kept (then the table's TTL removes it). */
  auditRetentionDays: number;
  // Users and integration grants (issue 7)
  /** Integration client ids granted every route by configuration (the local runtime's bootstrap client); others need a grant record. */
  trustedIntegrationClients: string[];
  // Per-client throttling (issue 7)
  /** Requests per minute of a machine client whose grant names no `ratePerMinute` (CRM_INTEGRATION_RATE_PER_MINUTE, default 600). */
  integrationRatePerMinute: number;
  /** The customer-managed KMS key the PII data key is generated under (AWS); locally the key is derived. */
  piiKmsKeyArn?: string;
  /** The function may write the table (it may create the PII data key). */
  tableWrite: boolean;
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
    auditRetentionDays: Number(env.CRM_AUDIT_RETENTION_DAYS ?? 400),
    // Users and integration grants (issue 7): comma-separated client ids.
    trustedIntegrationClients: (env.CRM_TRUSTED_INTEGRATION_CLIENTS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    // Per-client throttling (issue 7): an invalid value falls back to the default (shared/domain/rate-limit.ts limitOf).
    integrationRatePerMinute: Number(env.CRM_INTEGRATION_RATE_PER_MINUTE ?? 600),
    ...(env.CRM_PII_KMS_KEY_ARN ? { piiKmsKeyArn: env.CRM_PII_KMS_KEY_ARN } : {}),
    tableWrite: env.CRM_TABLE_ACCESS !== 'read',
  };
}
