/**
 * Bulk import and export jobs (批量导入导出): their states, counters and the fields a file's
 * columns may be mapped to. Pure types and rules only.
 */
export const IMPORT_KINDS = ['customers', 'orders'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export const DEDUP_MODES = ['merge', 'skip'] as const;
export type DedupMode = (typeof DEDUP_MODES)[number];

/** created → (file uploaded, start) uploaded → (a worker picks it up) running → completed | failed. */
export const IMPORT_STATUSES = ['created', 'uploaded', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const EXPORT_STATUSES = ['created', 'running', 'completed', 'failed'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** Fields a customers file may fill; a column named like the field is used when the mapping does not name one. */
export const CUSTOMER_FIELDS = [
  'name',
  'email',
  'phone',
  'gender',
  'birthday',
  'country',
  'region',
  'city',
  'externalId',
  'platform',
  'store',
  'platformCustomerId',
  'sourceChannel',
  'tags',
] as const;

export const ORDER_FIELDS = [
  'orderId',
  'orderNumber',
  'platform',
  'store',
  'placedAt',
  'updatedAt',
  'status',
  'currency',
  'total',
  'subtotal',
  'discount',
  'tax',
  'shipping',
  'refunded',
  'customerId',
  'email',
  'phone',
  'name',
  'city',
  'country',
  'channel',
  'discountCodes',
  'product',
  'sku',
  'quantity',
  'unitPrice',
] as const;

export const REQUIRED_FIELDS: Record<ImportKind, readonly string[]> = {
  customers: [],
  orders: ['orderId', 'placedAt', 'currency', 'total'],
};

export const fieldsOf = (kind: ImportKind): readonly string[] => (kind === 'customers' ? CUSTOMER_FIELDS : ORDER_FIELDS);

/** What happened to one row. Counted once per row, however often a chunk is retried. */
export type RowOutcome = 'imported' | 'merged' | 'skipped' | 'failed';

export interface ImportCounters {
  /** Rows read (blank lines are not rows). */
  read: number;
  /** New profiles or orders. */
  imported: number;
  /** Rows that matched an existing profile or order and were merged into it. */
  merged: number;
  /** Rows that matched and were left as they were (dedup `skip`, or an order not newer than the stored one). */
  skipped: number;
  failed: number;
}

export const ZERO_COUNTERS: ImportCounters = { read: 0, imported: 0, merged: 0, skipped: 0, failed: 0 };

/** Where the next chunk starts: committed together with the counters of the chunk before it. */
export interface Checkpoint {
  offset: number;
  line: number;
  /** The CSV header, once read. */
  columns?: string[];
}

export interface RowIssue {
  field: string;
  reason: string;
}

export interface RowError {
  row: number;
  issues: RowIssue[];
}

export interface ImportJob {
  id: string;
  kind: ImportKind;
  format: ImportFormat;
  /** target field → source column (CSV header) or key path (JSON lines, `a.b`). */
  mapping: Record<string, string>;
  options: { dedup: DedupMode };
  status: ImportStatus;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Blob key of the uploaded file and its size (known once the upload is confirmed). */
  fileKey: string;
  fileSize?: number;
  checkpoint: Checkpoint;
  counters: ImportCounters;
  /** Why the whole job failed (bad header or mapping, missing file, ...). */
  failure?: string;
}

export interface ExportFilter {
  all?: boolean;
  email?: string;
  phone?: string;
  externalId?: string;
  platform?: string;
  store?: string;
  platformId?: string;
  name?: string;
}

export interface ExportJob {
  id: string;
  kind: 'customers';
  filter: ExportFilter;
  /** The caller had pii:read when asking: the file is unmasked, and only such callers may fetch it. */
  piiVisible: boolean;
  status: ExportStatus;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  fileKey: string;
  fileSize?: number;
  rows: number;
  failure?: string;
  /** The file was removed by a data-subject erasure (its request id), then; the job answers 410. */
  removedAt?: string;
  removedBy?: string;
  /** Erasures that ran while the job was not yet completed: a run that started before one reads again. */
  erasures?: number;
}

/** Uploads and exports are kept this long (S3 lifecycle rule; the local folder is cleared likewise). */
export const TRANSFER_RETENTION_DAYS = 7;
/** Job items and their error reports outlive their files a little (DynamoDB TTL). */
export const JOB_RETENTION_DAYS = 30;
/** At most this many failed rows are kept for the error report; the counters count them all. */
export const MAX_STORED_ERRORS = 10_000;
