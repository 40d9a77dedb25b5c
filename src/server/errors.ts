// Every failure leaves the API as {error: {code, message, field?, hint?}} with the status its code
// declares: a request that fails validation is a 400 naming the field; an unexpected failure (or the
// engine's) is a 500 that says nothing of SQL or the engine's words, carries the request's id, and is
// logged with it.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TenureError } from '../errors/tenure-error.ts';

interface ErrorBody {
  error: { code: string; message: string; field?: string; hint?: string; request_id?: string };
}

/** What a date's format means, for the message of a value that does not have it. */
const FORMATS: Record<string, string> = {
  'tenure-day': 'a calendar day written YYYY-MM-DD, from 1900 to 2999',
  'tenure-instant': 'a day YYYY-MM-DD or a timestamp such as 2025-06-30T12:00:00Z, from 1900 to 2999',
};

/** The message of a validation error: Ajv's, except for our date formats, which it cannot put in words. */
function messageOf(err: FastifyError): string {
  const first = err.validation?.[0];
  const { format, allowedValues } = (first?.params ?? {}) as { format?: string; allowedValues?: unknown[] };
  // An enum's choices in words: "must be one of json, csv" rather than "one of the allowed values".
  if (first && first.keyword === 'enum' && Array.isArray(allowedValues))
    return `${err.validationContext}${first.instancePath} must be one of ${allowedValues.join(', ')}`;
  const meaning = format === undefined ? undefined : FORMATS[format];
  if (!first || meaning === undefined) return err.message;
  return `${err.validationContext}${first.instancePath} must be ${meaning}`;
}

/** The field a validation error points at: `querystring.grain`, `params.id`, `body.role`. */
function fieldOf(err: FastifyError): string | undefined {
  const first = err.validation?.[0];
  if (!first) return undefined;
  const params = first.params as { missingProperty?: string; additionalProperty?: string };
  // The object the error sits in (body.targets.0), then the property missing or unexpected in it.
  const at = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const name = params.missingProperty ?? params.additionalProperty;
  return [err.validationContext, at, name].filter(Boolean).join('.');
}

export function errorReply(
  err: FastifyError | Error,
  req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  let status = 500;
  let body: ErrorBody = {
    error: {
      code: 'internal',
      message: 'unexpected failure; the server log has it under this request id',
      request_id: req.id,
    },
  };
  const fe = err as FastifyError;
  if (err instanceof TenureError && err.httpStatus < 500) {
    status = err.httpStatus;
    body = {
      error: {
        code: err.code,
        message: err.message,
        ...(err.where.field ? { field: err.where.field } : {}),
        ...(err.hint ? { hint: err.hint } : {}),
      },
    };
  } else if (err instanceof TenureError && err.code === 'timeout') {
    status = err.httpStatus;
    body = { error: { code: err.code, message: err.message, hint: err.hint, request_id: req.id } };
  } else if (fe.validation) {
    status = 400;
    const field = fieldOf(fe);
    body = { error: { code: 'bad_input', message: messageOf(fe), ...(field ? { field } : {}) } };
  } else if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own refusals: malformed JSON, a body too large, an unsupported media type.
    status = fe.statusCode;
    body = { error: { code: 'bad_input', message: fe.message } };
  } else {
    // The engine's words and the SQL stay in the log, beside the request id the answer gives.
    req.log.error({ err, request_id: req.id, url: req.url }, 'request failed');
  }
  return reply.status(status).send(body);
}
