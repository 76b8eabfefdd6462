import type { ErrorRequestHandler, Response } from 'express';
import type { LoggerService } from '@backstage/backend-plugin-api';

/**
 * Every answer of /llm-ops/v1 has this shape, success or error, so scripts and CI can branch on
 * `status` without knowing the HTTP library's conventions.
 */
export type Envelope<T> = {
  status: 'success' | 'error';
  message: string;
  data: T;
};

export function sendSuccess<T>(
  res: Response,
  data: T,
  message: string,
  httpStatus = 200,
): void {
  res
    .status(httpStatus)
    .json({ status: 'success', message, data } satisfies Envelope<T>);
}

/**
 * sendSuccess for data with one field already written as JSON text (a metric history page the
 * database rendered): the text goes into the body as it is, never parsed and serialised again.
 */
export function sendSuccessWithRendered(
  res: Response,
  data: Record<string, unknown>,
  rendered: { field: string; json: string },
  message: string,
): void {
  const envelope = JSON.stringify({ status: 'success', message, data });
  // `data` is the envelope's last key: reopen it before its closing brace and the envelope's.
  const open = envelope.slice(0, -2);
  const separator = open.endsWith('{') ? '' : ',';
  res
    .status(200)
    .type('application/json')
    .send(
      `${open}${separator}${JSON.stringify(rendered.field)}:${rendered.json}}}`,
    );
}

// @backstage/errors names and the HTTP status each stands for. Anything else is a 500.
const statusByErrorName: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  NotModifiedError: 304,
  NotImplementedError: 501,
  ServiceUnavailableError: 503,
};

type ClassifiedError = {
  httpStatus: number;
  name: string;
  message: string;
  field?: string;
};

// The OpenAPI validator reports e.g. "request/body/name must be string": name the field.
const validatorFieldPattern =
  /request\/(?:body|query|params|headers)\/([\w.\-/]+)/;

function classify(error: any): ClassifiedError {
  const name: string = error?.name ?? 'Error';
  const message: string = String(error?.message ?? 'Unknown error');
  if (name in statusByErrorName) {
    const field = error?.field ?? validatorFieldPattern.exec(message)?.[1];
    return { httpStatus: statusByErrorName[name], name, message, field };
  }
  // body-parser's errors (malformed JSON, body too large) carry a 4xx status of their own.
  const status = Number(error?.status ?? error?.statusCode);
  if (status >= 400 && status < 500) {
    return {
      httpStatus: status,
      name: status === 400 ? 'InputError' : name,
      message:
        error?.type === 'entity.parse.failed'
          ? `The request body is not valid JSON: ${message}`
          : message,
    };
  }
  return { httpStatus: 500, name: 'InternalError', message: 'Internal error' };
}

/**
 * Turns every error thrown on the llm-ops routes into the envelope. Unexpected errors are logged
 * with their stack and answered with a generic message, so internals never leak to clients.
 */
export function envelopeErrorHandler(
  logger: LoggerService,
): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const classified = classify(error);
    if (classified.httpStatus >= 500 && classified.name === 'InternalError') {
      logger.error(`Unhandled error on ${req.method} ${req.path}`, error);
    }
    res.status(classified.httpStatus).json({
      status: 'error',
      message: classified.message,
      data: {
        error: {
          name: classified.name,
          ...(classified.field ? { field: classified.field } : {}),
        },
      },
    } satisfies Envelope<unknown>);
  };
}
