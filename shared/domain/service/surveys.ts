import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Satisfaction surveys: CSAT (1–5, after a ticket is solved) and NPS (0–10, periodic). The
 * customer answers through a signed link with no login: `expires` (epoch seconds) and `sig`, an
 * HMAC-SHA-256 over the survey id and the expiry with a per-deployment key. A link is refused when
 * forged (403), expired (410) or already answered (409). Pure.
 */
export const SURVEY_KINDS = ['csat', 'nps'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export type SurveyStatus = 'sending' | 'sent' | 'undeliverable' | 'answered';

export interface Survey {
  id: string;
  kind: SurveyKind;
  customerId: string;
  ticketId?: string;
  status: SurveyStatus;
  channel?: string;
  expiresAt: string;
  createdAt: string;
  sentAt?: string;
  answeredAt?: string;
  /** CSAT 1–5. */
  rating?: number;
  /** NPS 0–10. */
  score?: number;
  comment?: string;
}

/** A CSAT rating this low reopens or creates a complaint and gives the manager a follow-up task. */
export const BAD_RATING_MAX = 2;
export const isBadRating = (s: Pick<Survey, 'kind' | 'rating'>) => s.kind === 'csat' && s.rating !== undefined && s.rating <= BAD_RATING_MAX;

const payload = (surveyId: string, expires: number) => `survey\u0000${surveyId}\u0000${expires}`;

export function signSurveyLink(key: Buffer, surveyId: string, expires: number): string {
  return createHmac('sha256', key).update(payload(surveyId, expires)).digest('base64url');
}

export type LinkCheck = { ok: true } | { ok: false; reason: 'forged' | 'expired' };

/** Checks a link's signature first (a forged link is refused whatever its expiry), then its expiry. */
export function checkSurveyLink(key: Buffer, surveyId: string, expires: string | number | undefined, sig: string | undefined, nowMs: number): LinkCheck {
  const exp = typeof expires === 'number' ? expires : Number(expires);
  if (!sig || !Number.isInteger(exp)) return { ok: false, reason: 'forged' };
  const want = Buffer.from(signSurveyLink(key, surveyId, exp), 'utf8');
  const got = Buffer.from(sig, 'utf8');
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'forged' };
  if (exp * 1000 < nowMs) return { ok: false, reason: 'expired' };
  return { ok: true };
}

export interface CsatSummary {
  responses: number;
  average: number | null;
  /** Share of 4 and 5 ratings. */
  satisfiedShare: number | null;
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
}

export function csatSummary(dist: Partial<Record<string, number>>): CsatSummary {
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } as CsatSummary['distribution'];
  let n = 0;
  let sum = 0;
  for (const k of Object.keys(distribution) as (keyof typeof distribution)[]) {
    const c = dist[k] ?? 0;
    distribution[k] = c;
    n += c;
    sum += c * Number(k);
  }
  const satisfied = distribution['4'] + distribution['5'];
  return { responses: n, average: n ? Math.round((sum / n) * 100) / 100 : null, satisfiedShare: n ? Math.round((satisfied / n) * 1000) / 1000 : null, distribution };
}

export interface NpsSummary {
  responses: number;
  /** % promoters (9–10) − % detractors (0–6), −100 … 100. */
  score: number | null;
  promoters: number;
  passives: number;
  detractors: number;
  distribution: Record<string, number>;
}

export function npsSummary(dist: Partial<Record<string, number>>): NpsSummary {
  const distribution: Record<string, number> = {};
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (let s = 0; s <= 10; s++) {
    const c = dist[String(s)] ?? 0;
    distribution[String(s)] = c;
    if (s >= 9) promoters += c;
    else if (s >= 7) passives += c;
    else detractors += c;
  }
  const n = promoters + passives + detractors;
  return { responses: n, score: n ? Math.round(((promoters - detractors) / n) * 1000) / 10 : null, promoters, passives, detractors, distribution };
}

/** The link-signing key, derived from the deployment's identity key (a separate purpose, so a separate key). */
export function deriveLinkKey(identityKey: Buffer): Buffer {
  return createHmac('sha256', identityKey).update('crm/signed-links/v1').digest();
}
