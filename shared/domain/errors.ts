/** Domain errors carry the HTTP status they map to; the HTTP layer renders them as problem+json. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(readonly issues: FieldIssue[], message = 'The request has invalid fields.') {
    super(400, 'Invalid request', message, { errors: issues });
  }
  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }], `${field}: ${message}`);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'A valid bearer token is required.') {
    super(401, 'Unauthorized', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(403, 'Forbidden', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string) {
    super(404, 'Not found', `${entity} ${id} does not exist.`, { entity, id });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(409, 'Conflict', message, extra);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super(413, 'Payload too large', `The body exceeds ${limitBytes} bytes.`, { limitBytes });
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(expected: string) {
    super(415, 'Unsupported media type', `The body must be ${expected}.`);
  }
}
