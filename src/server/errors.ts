// Every failure leaves the API as {error: {code, message, field?, hint?}} with the status its code
// declares: a request that fails validation is a 400 naming the field; an unexpected failure is a 500 with
// no stack trace in the body.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TenureError } from '../errors/tenure-error.ts';

interface ErrorBody {
  error: { code: string; message: string; field?: string; hint?: string };
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
  _req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  let status = 500;
  let body: ErrorBody = { error: { code: 'internal', message: 'unexpected failure; see the server log' } };
  const fe = err as FastifyError;
  if (err instanceof TenureError) {
    status = err.httpStatus;
    body = {
      error: {
        code: err.code,
        message: err.message,
        ...(err.where.field ? { field: err.where.field } : {}),
        ...(err.hint ? { hint: err.hint } : {}),
      },
    };
  } else if (fe.validation) {
    status = 400;
    const field = fieldOf(fe);
    body = { error: { code: 'bad_input', message: fe.message, ...(field ? { field } : {}) } };
  } else if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own refusals: malformed JSON, a body too large, an unsupported media type.
    status = fe.statusCode;
    body = { error: { code: 'bad_input', message: fe.message } };
  } else {
    reply.log.error(err);
  }
  return reply.status(status).send(body);
}
