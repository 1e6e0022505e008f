/**
 * Base for the typed errors each feature throws. The HTTP layer turns them into
 * `{statusCode, error, message}` using `httpStatus`; workers record `code` and `message`.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: number;
  /** Machine-readable detail (e.g. the fields that failed validation). */
  readonly details?: Record<string, unknown>;

  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** A request that names bad fields: 400 with every problem listed. */
export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
  readonly httpStatus = 400;

  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { errors: problems });
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly httpStatus = 404;
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
  readonly httpStatus = 409;
}

/** A dependency (Redis, PostgreSQL) cannot take the request now; the caller should retry. */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE';
  readonly httpStatus = 503;
}
