/**
 * Typed errors with stable codes. The API turns them into RFC 9457 problem+json; messages name the
 * field and the value so that an analyst can fix the record.
 */
export type ErrorCode =
  | 'VALIDATION'
  | 'PARSE'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INSUFFICIENT_DATA'
  | 'DEGENERATE_INPUT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'CONFIG';

export class BaseeratError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(code: ErrorCode, message: string, opts: { field?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'BaseeratError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }
}

/** Thrown by statistical kernels when the data cannot support the computation (too few points, zero variance). */
export class InsufficientDataError extends BaseeratError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INSUFFICIENT_DATA', message, details === undefined ? {} : { details });
    this.name = 'InsufficientDataError';
  }
}

/** One problem with one field of one record: what ingest puts in quarantine. */
export interface FieldIssue {
  field: string;
  value?: string;
  message: string;
}

/** Result type for parsers that must never throw on bad input. */
export type Result<T, E = FieldIssue[]> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
