/**
 * Protection before its record: a control that tightens what the room sends (a measure turned on,
 * a suspension) is applied to the room before the write, so a write that fails because the
 * database is away (or fails in a way nobody can tell) leaves the room protected, never exposed.
 * Only a definite refusal (any other coded error: not allowed, wrong state) undoes it.
 */
import { AppError } from '../../common/errors.js';

export async function protectFirst<T>(protect: (() => () => void) | undefined, write: () => Promise<T>): Promise<T> {
  const undo = protect?.();
  try {
    return await write();
  } catch (err) {
    if (undo && err instanceof AppError && err.code !== 'database_unavailable') undo();
    throw err;
  }
}
