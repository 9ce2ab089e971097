/**
 * Anchoring of the audit chain. The chain's MACs stop anyone without `AUDIT_KEY` from altering
 * or re-linking events, but someone with database access could still delete the newest events.
 * So the head is checkpointed: a keyed checkpoint (sequence number and MAC of the head) is kept
 * in the database every `CHECKPOINT_EVERY` events or `CHECKPOINT_IDLE_MS`, and the latest head
 * is also written, after every append, to an anchor file outside the database
 * (`DATA_DIR/audit-anchor.json`) and to the log. A chain that ends before a checkpoint, or
 * whose event at a checkpoint's sequence number differs from it, has been cut or rewritten.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { insertOnce } from '../db/duplicateKey.js';
import { AuditCheckpointModel } from './audit.model.js';
import { checkpointMac, type Checkpoint } from './chain.js';

/** A checkpoint in the database at least this often (events), and after this long idle. */
export const CHECKPOINT_EVERY = 50;
export const CHECKPOINT_IDLE_MS = 5000;

/** A checkpoint found by `Checkpoints.load()`, with where it came from and whether its MAC holds. */
export interface FoundCheckpoint extends Checkpoint {
  readonly source: 'database' | 'anchor';
  readonly valid: boolean;
}

/** Writes and reads the checkpoints of one chain key. */
export class Checkpoints {
  #lastDb = 0;
  #lastDbAt = Date.now();
  #anchorWrite: Promise<void> = Promise.resolve();

  constructor(
    private readonly key: Buffer,
    private readonly kid: string,
    /** Anchor file; undefined keeps checkpoints in the database only. */
    private readonly anchorFile: string | undefined,
    private readonly logger: Logger,
  ) {}

  #make(head: { seq: number; hash: string }): Checkpoint {
    const fields = { seq: head.seq, hash: head.hash, at: new Date(), kid: this.kid };
    return { ...fields, mac: checkpointMac(this.key, fields) };
  }

  /** Called after each append with the new head: anchors it, and checkpoints it in the database when due. */
  async advanced(head: { seq: number; hash: string }): Promise<void> {
    const c = this.#make(head);
    this.#anchor(c);
    if (head.seq - this.#lastDb < CHECKPOINT_EVERY && Date.now() - this.#lastDbAt < CHECKPOINT_IDLE_MS) return;
    // The event is written whatever happens here; a checkpoint missed now is made with the next.
    await this.#store(c).catch((err: unknown) => this.logger.warn({ err }, 'advanced() could not store a checkpoint'));
  }

  /** Checkpoints `head` in the database unless it already is (idle timer and shutdown). */
  async flush(head: { seq: number; hash: string } | undefined): Promise<void> {
    if (head && head.seq > this.#lastDb) await this.#store(this.#make(head));
    await this.#anchorWrite;
  }

  async #store(c: Checkpoint): Promise<void> {
    this.#lastDb = Math.max(this.#lastDb, c.seq);
    this.#lastDbAt = Date.now();
    await insertOnce(() => AuditCheckpointModel.create({ _id: c.seq, hash: c.hash, at: c.at, kid: c.kid, mac: c.mac }));
    this.logger.info({ seq: c.seq, hash: c.hash, mac: c.mac }, 'checkpoint() audit chain head');
  }

  #anchor(c: Checkpoint): void {
    const file = this.anchorFile;
    if (!file) return;
    // Written in order, each through a temporary file and a rename, so the file is always whole.
    this.#anchorWrite = this.#anchorWrite.then(async () => {
      try {
        const tmp = `${file}.tmp`;
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(tmp, JSON.stringify({ ...c, at: c.at.toISOString() }), { mode: 0o600 });
        await fs.rename(tmp, file);
      } catch (err) {
        this.logger.error({ err }, 'anchor() could not write the audit anchor file');
      }
    });
  }

  /** The database's checkpoints (newest first, at most `limit`) and the anchor file's. */
  async load(limit = 20): Promise<FoundCheckpoint[]> {
    await this.#anchorWrite;
    const found: FoundCheckpoint[] = [];
    const stored = await AuditCheckpointModel.find({}).sort({ _id: -1 }).limit(limit).lean();
    for (const d of stored) found.push(this.#check({ seq: d._id, hash: d.hash, at: d.at, kid: d.kid, mac: d.mac }, 'database'));
    const anchored = await this.#readAnchor();
    if (anchored) found.push(anchored);
    return found;
  }

  async #readAnchor(): Promise<FoundCheckpoint | undefined> {
    if (!this.anchorFile) return undefined;
    let raw: string;
    try {
      raw = await fs.readFile(this.anchorFile, 'utf8');
    } catch {
      return undefined;
    }
    const a = JSON.parse(raw) as { seq: number; hash: string; at: string; kid: string; mac: string };
    return this.#check({ seq: a.seq, hash: a.hash, at: new Date(a.at), kid: a.kid, mac: a.mac }, 'anchor');
  }

  #check(c: Checkpoint, source: FoundCheckpoint['source']): FoundCheckpoint {
    const valid = c.kid === this.kid && checkpointMac(this.key, { seq: c.seq, hash: c.hash, at: c.at, kid: c.kid }) === c.mac;
    return { ...c, source, valid };
  }
}
