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

  if (problems.length > 0) throw new SettingsError(problems);
  return {
    stage,
    corsOrigins,
    defaultPhoneRegion,
    ...(alarmEmail ? { alarmEmail } : {}),
    throttle: { rateLimit, burstLimit },
  };
}
