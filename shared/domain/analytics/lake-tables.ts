/**
 * The lake's tables: the columns of each JSON-lines row and their Athena types, declared once —
 * docs/analytics.md prints the CREATE EXTERNAL TABLE statements from them and the tests check the
 * written rows against them. Times are ISO-8601 strings (from_iso8601_timestamp in Athena); money is
 * integer minor units. No personal data: profiles are exported without name, email, phone,
 * birthday or external id.
 */
export type AthenaType = 'string' | 'bigint' | 'int' | 'double' | 'boolean' | 'array<string>' | 'map<string,bigint>' | 'array<struct<product:string,category:string,sku:string,quantity:int,unit_price_minor:bigint>>';

export const LAKE_TABLES = {
  customers: {
    description: 'One row per live customer profile as of the export day (a full snapshot per dt).',
    columns: {
      customer_id: 'string',
      created_at: 'string',
      updated_at: 'string',
      source_channel: 'string',
      store: 'string',
      country: 'string',
      region: 'string',
      city: 'string',
      gender: 'string',
      tags: 'array<string>',
      has_email: 'boolean',
      has_phone: 'boolean',
      completeness: 'double',
      lifecycle: 'string',
      tier: 'string',
      rfm_group: 'string',
      rfm_code: 'string',
      churn_risk: 'double',
      predicted_clv_minor: 'bigint',
      order_count: 'int',
      spent_minor: 'map<string,bigint>',
      first_order_at: 'string',
      last_order_at: 'string',
    },
  },
  orders: {
    description: 'One row per order of a live customer as of the export day (a full snapshot per dt).',
    columns: {
      order_id: 'string',
      platform: 'string',
      store: 'string',
      customer_id: 'string',
      order_number: 'string',
      placed_at: 'string',
      updated_at: 'string',
      status: 'string',
      currency: 'string',
      total_minor: 'bigint',
      net_minor: 'bigint',
      refunded_minor: 'bigint',
      discount_minor: 'bigint',
      tax_minor: 'bigint',
      shipping_minor: 'bigint',
      channel: 'string',
      units: 'int',
      discount_codes: 'array<string>',
      lines: 'array<struct<product:string,category:string,sku:string,quantity:int,unit_price_minor:bigint>>',
    },
  },
  events: {
    description: 'One row per domain event the analytics consumers took, in the partition of the UTC day it arrived (append-only; a day is written once it is over).',
    columns: {
      event_id: 'string',
      type: 'string',
      occurred_at: 'string',
      received_at: 'string',
      subject: 'string',
      data: 'string',
    },
  },
} as const satisfies Record<string, { description: string; columns: Record<string, AthenaType> }>;

export type LakeTable = keyof typeof LAKE_TABLES;

/** The CREATE EXTERNAL TABLE statement of a lake table at `s3://bucket/analytics/<table>/`. */
export function createTableSql(table: LakeTable, location: string, database = 'crm'): string {
  const cols = Object.entries(LAKE_TABLES[table].columns as Record<string, string>)
    .map(([name, type]) => `  \`${name}\` ${type}`)
    .join(',\n');
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${database}.${table} (`,
    cols,
    ')',
    "PARTITIONED BY (`dt` string)",
    "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'",
    "WITH SERDEPROPERTIES ('ignore.malformed.json' = 'false')",
    `LOCATION '${location.replace(/\/?$/, '/')}${table}/'`,
    "TBLPROPERTIES (",
    "  'projection.enabled' = 'true',",
    "  'projection.dt.type' = 'date',",
    "  'projection.dt.format' = 'yyyy-MM-dd',",
    "  'projection.dt.range' = '1990-01-01,NOW',",
    `  'storage.location.template' = '${location.replace(/\/?$/, '/')}${table}/dt=\${dt}/'`,
    ');',
  ].join('\n');
}

/** Does a value fit an Athena type (the check of a written row against its table)? */
export function fitsType(value: unknown, type: AthenaType): boolean {
  if (value === null) return true;
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'bigint':
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'double':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array<string>':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'map<string,bigint>':
      return typeof value === 'object' && !Array.isArray(value) && Object.values(value as object).every((v) => Number.isInteger(v));
    default:
      return (
        Array.isArray(value) &&
        value.every((l) => typeof l === 'object' && l !== null && Object.entries(l as Record<string, unknown>).every(([k, v]) => (k === 'quantity' || k === 'unit_price_minor' ? Number.isInteger(v) : ['product', 'category', 'sku'].includes(k) && (v === null || typeof v === 'string'))))
      );
  }
}
