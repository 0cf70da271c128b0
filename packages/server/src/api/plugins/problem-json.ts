/**
 * RFC 9457 problem details for every error the API returns: BaseeratError codes map to HTTP
 * statuses, request-validation failures name each field, and anything unexpected becomes a 500
 * whose detail says nothing about the internals (the cause goes to the log only).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BaseeratError, type ErrorCode } from '@baseerat/engine';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400, PARSE: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409,
  INSUFFICIENT_DATA: 422, DEGENERATE_INPUT: 422, CONFIG: 500,
};

const TITLE: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content',
  429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  code: z.string(),
  field: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
}).meta({ id: 'Problem', description: 'RFC 9457 problem details' });
export type Problem = z.infer<typeof ProblemSchema>;

/** The problem responses every authenticated route may give, for its OpenAPI schema. */
export const PROBLEMS = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema } as const;

export function problem(status: number, code: string, detail: string, instance: string, extra: { field?: string; errors?: Problem['errors'] } = {}): Problem {
  return {
    type: `urn:baseerat:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLE[status] ?? 'Error',
    status, detail, instance, code,
    ...(extra.field === undefined ? {} : { field: extra.field }),
    ...(extra.errors === undefined ? {} : { errors: extra.errors }),
  };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  // Serialised by hand: a route's response schema must not reshape (or reject) an error body.
  return reply.code(p.status).type(PROBLEM_CONTENT_TYPE).serializer((x: unknown) => JSON.stringify(x)).send(p);
}

const instanceOf = (req: FastifyRequest): string => req.url.split('?')[0] ?? req.url;

/** `body.username` from a validation error's context and path. */
function fieldName(context: string | undefined, instancePath: string, params: unknown): string {
  const path = instancePath.replace(/^\//, '').split('/').filter((s) => s !== '').join('.');
  const missing = (params as { missingProperty?: unknown } | undefined)?.missingProperty;
  const tail = typeof missing === 'string' ? (path === '' ? missing : `${path}.${missing}`) : path;
  return [context ?? 'request', tail].filter((s) => s !== '').join('.');
}

export function registerProblemJson(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    void sendProblem(reply, problem(404, 'NOT_FOUND', `no route ${req.method} ${instanceOf(req)}`, instanceOf(req)));
  });
  app.setErrorHandler((error, req, reply) => {
    const instance = instanceOf(req);
    if (error instanceof BaseeratError) {
      const status = STATUS[error.code];
      const detail = status >= 500 ? 'the server is misconfigured; the operator has been told in the log' : error.message;
      if (status >= 500) req.log.error({ err: error }, 'configuration error');
      return sendProblem(reply, problem(status, error.code, detail, instance, error.field === undefined ? {} : { field: error.field }));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((v) => ({ field: fieldName(error.validationContext, v.instancePath, v.params), message: v.message ?? 'invalid' }));
      const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      return sendProblem(reply, problem(400, 'VALIDATION', detail, instance, { ...(errors[0] === undefined ? {} : { field: errors[0].field }), errors }));
    }
    const e = error as { statusCode?: unknown; code?: unknown; message?: unknown };
    const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    if (status === 500) {
      req.log.error({ err: error }, 'unhandled error');
      return sendProblem(reply, problem(500, 'INTERNAL', 'an unexpected error; it has been logged', instance));
    }
    // Fastify's own 4xx (body too large, bad JSON, unsupported media type): their messages are safe.
    const code = status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status === 413 ? 'TOO_LARGE' : status === 429 ? 'RATE_LIMITED' : 'VALIDATION';
    return sendProblem(reply, problem(status, code, typeof e.message === 'string' ? e.message : 'bad request', instance, status === 400 ? { field: 'body' } : {}));
  });
}
