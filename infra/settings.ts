/**
 * Deploy-time settings, read from CDK context (cdk.json `context`, or `-c key=value` on the command
 * line) and validated before any construct is created: a bad value fails the synth with one message
 * that names every bad key, instead of a half-built template.
 */
export interface Settings {
  /** Names every resource (`Crm-<stage>-*` stacks, `crm-<stage>` bus); lowercase letters, digits, dashes. */
  stage: string;
  /** Origins the HTTP API answers CORS preflights for (`https://app.example.com`, no path). */
  corsOrigins: string[];
  /** ISO 3166 region used to parse phone numbers written without a country code. */
  defaultPhoneRegion: string;
  /** Where alarm notifications are mailed; no subscription when absent. */
  alarmEmail?: string;
  /** Default-stage throttling of the HTTP API: steady requests per second and burst. */
  throttle: { rateLimit: number; burstLimit: number };
  // Messaging (issue 6): the channel providers; a channel without one keeps landing in the dev outbox.
  messaging?: {
    /** A verified SES identity (domain or address) messages are sent from: enables e-mail through SES. */
    sesIdentity?: string;
    /** ARN of an End User Messaging SMS phone number, pool or sender id: enables SMS. */
    smsOriginationIdentityArn?: string;
  };
  // Machine clients and per-client throttling (issue 7)
  /** Names of the machine app clients (client-credentials, scope crm/integration) the stack creates; default `integrations`. */
  machineClients?: string[];
  /** Prefix of the Cognito domain that serves the token endpoint; default `crm-<stage>-<account id>`. */
  authDomainPrefix?: string;
  /** Requests per minute of a machine client whose grant names none (CRM_INTEGRATION_RATE_PER_MINUTE); default 600. */
  integrationRatePerMinute?: number;
}

export const SETTING_DEFAULTS = {
  stage: 'dev',
  defaultPhoneRegion: 'CN',
  throttleRate: 100,
  throttleBurst: 200,
} as const;

/** Anything with CDK's context lookup (an App, a Stack, a node). */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

const STAGE = /^[a-z][a-z0-9-]{0,19}$/;
const REGION = /^[A-Z]{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Messaging (issue 6)
const SES_IDENTITY = /^([^\s@]+@)?([a-z0-9-]+\.)+[a-z]{2,}$/i;
const SMS_ORIGINATION_ARN = /^arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:(phone-number|pool|sender-id)\/\S+$/;

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid deploy settings (CDK context):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
  const s = text(value);
  return s ? s.split(',').map((v) => v.trim()).filter(Boolean) : [];
}

function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === value;
  } catch {
    return false;
  }
}

function positiveInt(key: string, value: unknown, fallback: number, problems: string[]): number {
  const s = text(value);
  if (s === undefined) return fallback;
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) {
    problems.push(`${key} must be a positive integer, got "${s}"`);
    return fallback;
  }
  return n;
}

/** Reads every setting; throws a SettingsError listing all problems at once. */
export function readSettings(ctx: ContextSource): Settings {
  const problems: string[] = [];

  const stage = text(ctx.tryGetContext('stage')) ?? SETTING_DEFAULTS.stage;
  if (!STAGE.test(stage)) {
    problems.push(`stage must be 1-20 lowercase letters, digits or dashes, starting with a letter; got "${stage}"`);
  }

  const corsOrigins = list(ctx.tryGetContext('corsOrigins'));
  if (corsOrigins.length === 0) {
    problems.push('corsOrigins is required: a comma-separated list of origins such as https://app.example.com');
  }
  for (const origin of corsOrigins) {
    if (!isOrigin(origin)) {
      problems.push(`corsOrigins entry "${origin}" is not an origin (scheme://host[:port], no path, no trailing slash, no "*")`);
    }
  }

  const defaultPhoneRegion = text(ctx.tryGetContext('defaultPhoneRegion')) ?? SETTING_DEFAULTS.defaultPhoneRegion;
  if (!REGION.test(defaultPhoneRegion)) {
    problems.push(`defaultPhoneRegion must be a two-letter uppercase ISO 3166 code such as CN or US; got "${defaultPhoneRegion}"`);
  }

  const alarmEmail = text(ctx.tryGetContext('alarmEmail'));
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) {
    problems.push(`alarmEmail must be an email address or empty; got "${alarmEmail}"`);
  }

  const rateLimit = positiveInt('throttleRate', ctx.tryGetContext('throttleRate'), SETTING_DEFAULTS.throttleRate, problems);
  const burstLimit = positiveInt('throttleBurst', ctx.tryGetContext('throttleBurst'), SETTING_DEFAULTS.throttleBurst, problems);

  // Messaging (issue 6)
  const sesIdentity = text(ctx.tryGetContext('sesIdentity'));
  if (sesIdentity !== undefined && !SES_IDENTITY.test(sesIdentity)) problems.push(`sesIdentity must be a domain or an e-mail address verified in SES; got "${sesIdentity}"`);
  const smsOrigination = text(ctx.tryGetContext('smsOriginationIdentityArn'));
  if (smsOrigination !== undefined && !SMS_ORIGINATION_ARN.test(smsOrigination)) {
    problems.push(`smsOriginationIdentityArn must be the ARN of an End User Messaging SMS phone number, pool or sender id; got "${smsOrigination}"`);
  }
  const messaging = { ...(sesIdentity ? { sesIdentity } : {}), ...(smsOrigination ? { smsOriginationIdentityArn: smsOrigination } : {}) };

  // Machine clients and per-client throttling (issue 7)
  const machine = readMachineSettings(ctx, problems);

  if (problems.length > 0) throw new SettingsError(problems);
  return {
    stage,
    corsOrigins,
    defaultPhoneRegion,
    ...(alarmEmail ? { alarmEmail } : {}),
    throttle: { rateLimit, burstLimit },
    ...(Object.keys(messaging).length ? { messaging } : {}),
    ...machine,
  };
}

// Machine clients and per-client throttling (issue 7)
const MACHINE_CLIENT_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const AUTH_DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function readMachineSettings(ctx: ContextSource, problems: string[]): Pick<Settings, 'machineClients' | 'authDomainPrefix' | 'integrationRatePerMinute'> {
  const raw = ctx.tryGetContext('machineClients');
  const machineClients = raw === undefined ? undefined : list(raw);
  for (const name of machineClients ?? []) {
    if (!MACHINE_CLIENT_NAME.test(name)) problems.push(`machineClients entry "${name}" must be 1-32 lowercase letters, digits or dashes, starting with a letter`);
  }
  if (machineClients && new Set(machineClients).size !== machineClients.length) problems.push('machineClients must not repeat a name');
  const authDomainPrefix = text(ctx.tryGetContext('authDomainPrefix'));
  if (authDomainPrefix !== undefined && (!AUTH_DOMAIN_PREFIX.test(authDomainPrefix) || /aws|amazon|cognito/.test(authDomainPrefix))) {
    problems.push(`authDomainPrefix must be lowercase letters, digits and dashes (at most 63, not containing aws, amazon or cognito); got "${authDomainPrefix}"`);
  }
  const rateRaw = text(ctx.tryGetContext('integrationRatePerMinute'));
  const rate = rateRaw === undefined ? undefined : positiveInt('integrationRatePerMinute', rateRaw, 0, problems);
  if (rate !== undefined && rate > 30_000) problems.push(`integrationRatePerMinute must be at most 30000; got ${rate}`);
  return {
    ...(machineClients ? { machineClients } : {}),
    ...(authDomainPrefix ? { authDomainPrefix } : {}),
    ...(rate ? { integrationRatePerMinute: rate } : {}),
  };
}
