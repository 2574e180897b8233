import { ConflictError, DomainError } from '../errors';

/**
 * A business rule of the service desk refused the change: 409 naming the rule (`rule`), so a
 * client can tell "closed tickets are read-only" from "a ticket cannot be solved without an
 * assignee" without parsing the message.
 */
export class RuleViolation extends ConflictError {
  constructor(
    readonly rule: string,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { rule, ...extra });
  }
}

/** A signed link that was valid once and is no longer (expired): 410. */
export class GoneError extends DomainError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(410, 'Gone', message, extra);
  }
}

/** Too big (an attachment over the limit): 413 with the limit. */
export class TooLargeError extends DomainError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(413, 'Payload too large', message, extra);
  }
}
