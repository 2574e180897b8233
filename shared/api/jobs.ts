import * as z from 'zod/mini';
import type { JobKind, JobStatus } from '../store/jobs-repo';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime } from './common';

/**
 * Background jobs over many customers: segment backfills, rescores after the value settings
 * changed, bulk tag changes, deleted segments' clean-ups. Each answers with a job; this route
 * shows its status and progress (the sum over its parts).
 */
/** The kinds and statuses of shared/store/jobs-repo.ts (a type-only import keeps the SDK out of the contracts). */
// Campaigns (issue 6) added 'campaign-fanout' and 'campaign-deliver'.
const JOB_KINDS = ['backfill', 'rescore', 'bulk-tags', 'segment-cleanup', 'campaign-fanout', 'campaign-deliver'] as const satisfies readonly JobKind[];
const JOB_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const satisfies readonly JobStatus[];

export const jobSchema = once(() =>
  z.object({
    id: z.string(),
    kind: z.enum(JOB_KINDS),
    status: z.enum(JOB_STATUSES),
    subject: z.optional(z.string()),
    params: z.record(z.string(), z.unknown()),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    finishedAt: z.optional(isoDateTime()),
    failure: z.optional(z.string()),
    progress: z.object({
      total: z.optional(z.int()),
      processed: z.optional(z.int()),
      changed: z.optional(z.int()),
      failed: z.optional(z.int()),
      scanned: z.optional(z.int()),
      customers: z.optional(z.int()),
      parts: z.int(),
      partsDone: z.int(),
    }),
    links: z.object({ self: z.string() }),
  }),
);

export const getJob = defineRoute({
  operationId: 'getJob',
  method: 'GET',
  path: '/v1/jobs/{id}',
  permission: 'segments:read',
  summary: 'A background job (backfill, rescore, bulk tags, clean-up): status and progress counters',
  tag: 'Segments',
  params: idParams,
  response: jobSchema,
  status: 200,
});
