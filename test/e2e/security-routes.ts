import { safeParse } from 'zod/mini';
import type { $ZodType } from 'zod/v4/core';
import { httpFunctions } from '../../infra/wiring';
import type { RouteContract } from '../../shared/api/contract';
import { permissionMatrix, ROLES, type Role } from '../../shared/domain/roles';

/**
 * What the security matrix and the fuzz tests know of a route, read from its contract (so a route
 * added to the wiring table later is covered without touching the tests): a concrete path whose
 * parameters pass their schemas, the body's field names and kinds, the query's keys, and which
 * roles hold its permission.
 */
export interface RouteCase {
  name: string;
  contract: RouteContract;
  key: string;
  params: string[];
}

export const routeCases = (): RouteCase[] =>
  httpFunctions().map((f) => ({ name: f.name, contract: f.http, key: `${f.http.method} ${f.http.path}`, params: [...f.http.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!) }));

export const rolesWith = (c: RouteContract): Role[] => (c.permission === 'public' ? [...ROLES] : ROLES.filter((r) => permissionMatrix()[r].includes(c.permission as never)));

type Def = { type: string; innerType?: $ZodType; in?: $ZodType; shape?: Record<string, $ZodType>; options?: $ZodType[]; entries?: Record<string, string>; element?: $ZodType };
const defOf = (s: $ZodType | undefined): Def | undefined => (s as unknown as { _zod?: { def: Def } } | undefined)?._zod?.def;

/** The schema under optional/nullable/default/pipe wrappers. */
export function unwrap(s: $ZodType | undefined): $ZodType | undefined {
  let cur = s;
  for (let i = 0; i < 10 && cur; i++) {
    const d = defOf(cur)!;
    if (d.innerType) cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else return cur;
  }
  return cur;
}

/** An object schema's fields (the first object option of a union). */
export function shapeOf(s: $ZodType | undefined): Record<string, $ZodType> {
  const d = defOf(unwrap(s));
  if (!d) return {};
  if (d.type === 'object' && d.shape) return d.shape;
  if (d.type === 'union' && d.options) for (const o of d.options) if (defOf(unwrap(o))?.type === 'object') return shapeOf(o);
  return {};
}

export type FieldKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'enum' | 'other';
export function kindOf(s: $ZodType): FieldKind {
  const t = defOf(unwrap(s))?.type ?? 'other';
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'array' || t === 'object' || t === 'enum') return t;
  if (t === 'int' || t === 'bigint') return 'number';
  if (t === 'record') return 'object';
  return 'other';
}

/** A syntactically valid stand-in id: a ULID, or whatever of a few forms the parameter's schema accepts. */
export const SAMPLE_ULID = '01JZZZZZZZZZZZZZZZZZZZZZZZ';
const CANDIDATES = [SAMPLE_ULID, SAMPLE_ULID.toLowerCase(), 'probe-id', 'probe', '1'];
export function paramValue(contract: RouteContract, name: string): string {
  const schema = shapeOf(contract.params)[name];
  if (!schema) return SAMPLE_ULID;
  return CANDIDATES.find((v) => safeParse(schema, v).success) ?? SAMPLE_ULID;
}

/** Percent-encodes any text, lone surrogates included (as their UTF-8 replacement), like a client would. */
export function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  }
}

export function samplePath(contract: RouteContract, overrides: Record<string, string> = {}): string {
  return contract.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeSegment(overrides[name] ?? paramValue(contract, name)));
}

/** The values of an enum field. */
export function defOfEnum(s: $ZodType): string[] | undefined {
  const d = defOf(unwrap(s));
  return d?.type === 'enum' && d.entries ? Object.values(d.entries) : undefined;
}

/** Reads a number after `label` in the README (the reported figures the tests keep true). */
export function readmeFigure(readme: string, label: RegExp): number | undefined {
  const m = label.exec(readme);
  return m ? Number(m[1]) : undefined;
}
