/**
 * The one place where errors become socket acknowledgements (HTTP has its own single mapper).
 */
import type { z } from 'zod';
import { ValidationError, toErrorBody } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import type { Ack } from './contract.js';

/** Converts anything thrown by a handler into an error acknowledgement; unknown errors are logged. */
export function toAck(err: unknown, log: Logger, event: string): Ack<never> {
  const { body, expected } = toErrorBody(err);
  if (expected) log.debug({ event, code: body.error.code }, 'handleRequest() refused');
  else log.error({ err, event }, 'handleRequest() failed');
  return { ok: false, error: body.error };
}

/** A zod failure as a ValidationError naming the failing fields, never their values. */
export function validationError(error: z.ZodError): ValidationError {
  return new ValidationError({
    message: 'The request is malformed.',
    details: error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  });
}
