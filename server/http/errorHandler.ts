/** The one place HTTP errors become responses. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { MethodNotAllowedError, NotFoundError, PayloadTooLargeError, ValidationError, toErrorBody } from '../../common/errors.js';

/** Unknown routes: a JSON 404. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError({ message: `No route for ${req.method} ${req.path}.`, code: 'route_not_found' }));
};

/** Body-parser failures carry a `type`; translate them to our typed errors. */
function fromBodyParser(err: unknown): unknown {
  const type = (err as { type?: unknown }).type;
  if (type === 'entity.too.large') return new PayloadTooLargeError();
  if (type === 'entity.parse.failed') return new ValidationError({ message: 'The request body is not valid JSON.', code: 'malformed_json' });
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new ValidationError({ message: 'The request body encoding is not supported.', code: 'unsupported_encoding' });
  }
  return err;
}

/** Maps every error to `{ error: { code, message, details? } }`; stacks are logged, never sent. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (rawErr: unknown, req, res, _next) => {
    const err = fromBodyParser(rawErr);
    const { status, body, expected } = toErrorBody(err);
    if (expected) logger.debug({ status, code: body.error.code, method: req.method, route: req.route?.path }, 'request() rejected');
    else logger.error({ err, method: req.method, route: req.route?.path }, 'request() failed');
    if (err instanceof MethodNotAllowedError) res.setHeader('Allow', err.allow.join(', '));
    res.status(status).json(body);
  };
}
