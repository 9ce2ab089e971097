/**
 * The session lifecycle as one table, and the claim that makes each move happen exactly once.
 *
 * | from      | to                                  |
 * | --------- | ----------------------------------- |
 * | scheduled | lobby, cancelled                    |
 * | lobby     | live, ended (never went live), cancelled |
 * | live      | ended                               |
 * | ended     | —                                   |
 * | cancelled | —                                   |
 *
 * The lifecycle has no cycles, so a session leaves each state at most once: a move is claimed
 * by inserting `(sessionId, from)` under a unique index, and of two moves racing out of the same
 * state exactly one wins (FerretDB's conditional updates are not atomic, see db/duplicateKey.ts).
 */
import mongoose, { Schema } from 'mongoose';
import { insertOnce } from '../db/duplicateKey.js';
import type { SessionStatus } from '../../common/vocabulary.js';

/** Allowed lifecycle moves (the table above). */
export const TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  scheduled: ['lobby', 'cancelled'],
  lobby: ['live', 'ended', 'cancelled'],
  live: ['ended'],
  ended: [],
  cancelled: [],
};

/** A claimed move older than this whose session still shows `from` was cut short (crash): it is finished by the next caller. */
export const STALE_MOVE_MS = 10_000;

const moveSchema = new Schema(
  {
    sessionId: { type: String, required: true },
    from: { type: String, required: true },
    to: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'session_moves', versionKey: false },
);
moveSchema.index({ sessionId: 1, from: 1 }, { unique: true });
const SessionMoveModel = mongoose.model('SessionMove', moveSchema);

/**
 * Claims the move of `sessionId` out of `from`. Returns the move that now holds the claim:
 * `to` when this call won; another target when a concurrent (or cut-short) move won.
 */
export async function claimMove(sessionId: string, from: SessionStatus, to: SessionStatus, now = new Date()): Promise<{ won: boolean; to: SessionStatus; at: Date }> {
  if (await insertOnce(() => SessionMoveModel.create({ sessionId, from, to, at: now }))) return { won: true, to, at: now };
  const held = await SessionMoveModel.findOne({ sessionId, from }).lean();
  return { won: false, to: (held?.to ?? to) as SessionStatus, at: held?.at ?? now };
}
