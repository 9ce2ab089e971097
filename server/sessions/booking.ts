/**
 * Double-booking rules. FerretDB has no transactions, so checks and writes of bookings are
 * serialised in-process: a second booking waits until the first is written, then sees it.
 */
import mongoose from 'mongoose';
import { ConflictError } from '../../common/errors.js';
import { SessionModel, type SessionDoc } from './session.model.js';

/** Statuses that hold a booking. */
export const BOOKED_STATUSES = ['scheduled', 'lobby', 'live'] as const;

/** What a booking occupies. */
export interface BookingClaim {
  readonly witnessId: string;
  readonly judgeUserIds: readonly string[];
  readonly courtRoom: string;
  /** Trials of the same court: a room name is only a clash within one court building. */
  readonly courtTrialIds: readonly string[];
  readonly start: Date;
  readonly end: Date;
  /** The session being changed, which never conflicts with itself. */
  readonly exceptId?: string;
}

/** Throws ConflictError naming what is already booked in an overlapping window. */
export async function assertFree(claim: BookingClaim): Promise<void> {
  const filter: Record<string, unknown> = {
    status: { $in: BOOKED_STATUSES },
    start: { $lt: claim.end },
    end: { $gt: claim.start },
    $or: [
      { witnessId: claim.witnessId },
      { courtRoom: claim.courtRoom, trialId: { $in: claim.courtTrialIds } },
      ...(claim.judgeUserIds.length ? [{ judgeUserIds: { $in: claim.judgeUserIds } }] : []),
    ],
  };
  if (claim.exceptId) filter._id = { $ne: new mongoose.Types.ObjectId(claim.exceptId) };
  const clash = await SessionModel.findOne(filter, { witnessId: 1, courtRoom: 1, trialId: 1, judgeUserIds: 1 }).lean<SessionDoc>();
  if (!clash) return;
  const what =
    clash.witnessId === claim.witnessId ? 'witness' : clash.courtRoom === claim.courtRoom && claim.courtTrialIds.includes(clash.trialId) ? 'courtRoom' : 'judge';
  const messages = { witness: 'The witness is already booked in an overlapping window.', courtRoom: 'The court room is already booked in an overlapping window.', judge: 'The judge is already booked in an overlapping window.' };
  throw new ConflictError({ message: messages[what], code: `${what === 'courtRoom' ? 'court_room' : what}_double_booked` });
}

/** Runs booking operations one at a time. */
export class BookingQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}
