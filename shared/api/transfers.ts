import * as z from 'zod/mini';
import { DEDUP_MODES, EXPORT_STATUSES, IMPORT_FORMATS, IMPORT_KINDS, IMPORT_STATUSES } from '../domain/transfers';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, text, ulidId } from './common';
import { customerSearchFields } from './customers';

/**
 * Contracts of bulk import and export (批量导入导出). A job is a resource: create it, upload the
 * file to the URL it gives, start it, watch its progress; the error report is a CSV download.
 */
const signedUrl = once(() => z.object({ method: z.enum(['PUT', 'GET']), url: z.string(), headers: z.record(z.string(), z.string()), expiresAt: isoDateTime() }));

const importJob = once(() =>
  z.object({
    id: z.string(),
    kind: z.enum(IMPORT_KINDS),
    format: z.enum(IMPORT_FORMATS),
    mapping: z.record(z.string(), z.string()),
    options: z.object({ dedup: z.enum(DEDUP_MODES) }),
    status: z.enum(IMPORT_STATUSES),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    startedAt: z.optional(isoDateTime()),
    finishedAt: z.optional(isoDateTime()),
    failure: z.optional(z.string()),
    progress: z.object({
      bytesRead: z.int(),
      bytesTotal: z.optional(z.int()),
      rowsRead: z.int(),
      imported: z.int(),
      merged: z.int(),
      skipped: z.int(),
      failed: z.int(),
    }),
    links: z.object({ self: z.string(), start: z.string(), errors: z.string() }),
    upload: z.optional(signedUrl()),
    retentionDays: z.int(),
  }),
);

export const createImport = defineRoute({
  operationId: 'createImport',
  method: 'POST',
  path: '/v1/imports',
  permission: 'customers:write',
  summary: 'Create an import job for a CSV or JSON-lines file of customers or orders; the answer holds the URL to PUT the file to',
  tag: 'Import and export',
  body: () =>
    z.strictObject({
      kind: z.enum(IMPORT_KINDS),
      format: z._default(z.enum(IMPORT_FORMATS), 'csv'),
      mapping: z.optional(z.record(z.string().check(z.maxLength(64)), text(200)).check(z.refine((m) => Object.keys(m).length <= 40, 'at most 40 fields'))),
      options: z.optional(z.strictObject({ dedup: z._default(z.enum(DEDUP_MODES), 'merge') })),
    }),
  response: importJob,
  status: 201,
  idempotent: true,
});

export const startImport = defineRoute({
  operationId: 'startImport',
  method: 'POST',
  path: '/v1/imports/{id}/start',
  permission: 'customers:write',
  summary: 'Start an import whose file is uploaded (409 while there is none); it runs in the background',
  tag: 'Import and export',
  params: idParams,
  response: importJob,
  status: 202,
});

export const getImport = defineRoute({
  operationId: 'getImport',
  method: 'GET',
  path: '/v1/imports/{id}',
  permission: 'customers:write',
  summary: 'An import job: status (created, uploaded, running, completed, failed) and progress counters',
  tag: 'Import and export',
  params: idParams,
  response: importJob,
  status: 200,
});

export const getImportErrors = defineRoute({
  operationId: 'getImportErrors',
  method: 'GET',
  path: '/v1/imports/{id}/errors',
  permission: 'customers:write',
  summary: 'The error report of an import: a CSV download with one line per problem (row, field, reason)',
  tag: 'Import and export',
  params: idParams,
  response: () => z.string(),
  responseType: 'text/csv',
  status: 200,
});

const exportFilter = once(() =>
  z.strictObject({
    all: z.optional(z.boolean()),
    ...customerSearchFields(),
    /** The members of a segment (iterated from its member index). */
    segmentId: z.optional(ulidId()),
  }),
);

const exportJob = once(() =>
  z.object({
    id: z.string(),
    kind: z.literal('customers'),
    filter: exportFilter(),
    status: z.enum(EXPORT_STATUSES),
    piiMasked: z.boolean(),
    rows: z.int(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    finishedAt: z.optional(isoDateTime()),
    fileSize: z.optional(z.int()),
    failure: z.optional(z.string()),
    expired: z.boolean(),
    download: z.optional(signedUrl()),
    links: z.object({ self: z.string() }),
  }),
);

export const createExport = defineRoute({
  operationId: 'createExport',
  method: 'POST',
  path: '/v1/exports',
  permission: 'customers:read',
  summary: 'Export customers to CSV in the background: all, those a search finds, or the members of a segment (PII masked unless you may read it)',
  tag: 'Import and export',
  body: () => z.strictObject({ kind: z.literal('customers'), filter: exportFilter() }),
  response: exportJob,
  status: 202,
  throttle: { rateLimit: 1, burstLimit: 5 },
  idempotent: true,
});

export const getExport = defineRoute({
  operationId: 'getExport',
  method: 'GET',
  path: '/v1/exports/{id}',
  permission: 'customers:read',
  summary: 'An export job: status, rows, and a short-lived download URL once completed; 410 (`reason: erased`) once a data-subject erasure removed its file',
  tag: 'Import and export',
  params: idParams,
  response: exportJob,
  status: 200,
});
