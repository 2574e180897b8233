import * as z from 'zod/mini';
import { defineRoute } from './contract';

/** The service report, from maintained counters (never a scan of the tickets). */
const day = () => z.iso.date();
const counts = () => z.record(z.string(), z.number());
const slaLine = () => z.object({ met: z.int(), breached: z.int(), compliance: z.nullable(z.number()) });

export const serviceReport = defineRoute({
  operationId: 'serviceReport',
  method: 'GET',
  path: '/v1/reports/service',
  permission: 'service:reports',
  summary: 'Tickets by status, priority, type, agent and group now; created, solved, average first-response and resolution minutes, SLA compliance, CSAT average and distribution, NPS over local days `from`–`to` (default the last 30)',
  tag: 'Reports',
  query: () => z.strictObject({ from: z.optional(day()), to: z.optional(day()) }),
  response: () =>
    z.object({
      range: z.object({ from: z.string(), to: z.string(), timeZone: z.string() }),
      current: z.object({ byStatus: counts(), unsolvedByPriority: counts(), unsolvedByType: counts(), unsolvedByAgent: counts(), unsolvedByGroup: counts(), unsolvedBreached: z.int() }),
      period: z.object({
        created: z.int(),
        createdByType: counts(),
        createdByPriority: counts(),
        createdByChannel: counts(),
        solved: z.int(),
        solvedByAgent: counts(),
        reopened: z.int(),
        averageFirstResponseMinutes: z.nullable(z.number()),
        averageResolutionMinutes: z.nullable(z.number()),
        sla: z.object({ firstResponse: slaLine(), nextResponse: slaLine(), resolution: slaLine(), overall: slaLine() }),
        csat: z.object({ responses: z.int(), average: z.nullable(z.number()), satisfiedShare: z.nullable(z.number()), distribution: counts() }),
        nps: z.object({ responses: z.int(), score: z.nullable(z.number()), promoters: z.int(), passives: z.int(), detractors: z.int(), distribution: counts() }),
      }),
    }),
  status: 200,
});
