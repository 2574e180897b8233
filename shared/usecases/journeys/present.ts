import type { Enrollment, HistoryEntry, Journey, JourneyVersion } from '../../domain/journeys/types';

/** What clients see of journeys, versions and enrollments (internal guards left out). */
export function presentJourney(j: Journey) {
  const { liveTrigger: _t, liveTriggerType: _k, ...rest } = j;
  return {
    ...rest,
    definition: j.definition as unknown as Record<string, unknown>,
    links: { self: `/v1/journeys/${j.id}`, versions: `/v1/journeys/${j.id}/versions`, enrollments: `/v1/journeys/${j.id}/enrollments`, stats: `/v1/journeys/${j.id}/stats` },
  };
}

export const presentVersion = (v: JourneyVersion) => ({ ...v, definition: v.definition as unknown as Record<string, unknown>, links: { journey: `/v1/journeys/${v.journeyId}` } });

export function presentEnrollment(e: Enrollment) {
  const { rev: _r, seq: _s, ...rest } = e;
  return { ...rest, links: { self: `/v1/journey-enrollments/${e.id}`, journey: `/v1/journeys/${e.journeyId}`, customer: `/v1/customers/${e.customerId}` } };
}

export const presentHistory = (h: HistoryEntry) => h;
