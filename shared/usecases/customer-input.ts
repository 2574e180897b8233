import type * as z from 'zod/mini';
import type { customerCreateBody, customerPatchBody } from '../api/customers';
import { validateLimits, type Customer, type CustomerInput, type CustomerPatch } from '../domain/customer';
import { ValidationError, type FieldIssue } from '../domain/errors';
import { normalizeEmail, normalizePhone } from '../domain/identity';
import { maskCustomer } from '../domain/masking';
import { visiblePii } from '../domain/roles';
import type { Principal } from '../http/principal';

/** Normalizes identities in API input (email lower-case, phone E.164), naming each bad field. */
export function normalizeIdentities<T extends { email?: string | null; phone?: string | null }>(input: T, defaultRegion: string): T {
  const issues: FieldIssue[] = [];
  const out = { ...input };
  if (typeof input.email === 'string') {
    const r = normalizeEmail(input.email);
    if (r.ok) out.email = r.value;
    else issues.push({ field: 'email', message: r.reason });
  }
  if (typeof input.phone === 'string') {
    const r = normalizePhone(input.phone, defaultRegion);
    if (r.ok) out.phone = r.value;
    else issues.push({ field: 'phone', message: `${r.reason} (read with default region ${defaultRegion})` });
  }
  if (issues.length) throw new ValidationError(issues);
  return out;
}

export function createInput(body: z.output<ReturnType<typeof customerCreateBody>>, defaultRegion: string): CustomerInput {
  return normalizeIdentities(body, defaultRegion) as CustomerInput;
}

export function patchInput(body: z.output<ReturnType<typeof customerPatchBody>>, defaultRegion: string): { version: number; patch: CustomerPatch } {
  const { version, ...patch } = normalizeIdentities(body, defaultRegion);
  return { version, patch: patch as CustomerPatch };
}

export function assertLimits(c: Customer): void {
  const issues = validateLimits(c);
  if (issues.length) throw new ValidationError(issues);
}

/** What a caller sees of a profile: each personal field masked unless one of their roles sees it (visiblePii). */
export function present(c: Customer, principal: Principal): Customer {
  return maskCustomer(c, visiblePii(principal.roles));
}
