import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import { DEFERRED_LIMIT, deferWhileAway } from '../../../server/db/gate.js';
import { createLogger } from '../../../server/logger.js';

/** A database state as the monitor reports it (`available` and its `state` events). */
class State extends EventEmitter<{ state: [string] }> {
  available = true;
  set(state: 'up' | 'down'): void {
    this.available = state === 'up';
    this.emit('state', state);
  }
}

const quiet = createLogger('fatal', new Writable({ write: (_c, _e, cb) => cb() }));

describe('deferWhileAway: room writes nobody waits on survive a moment without the database', () => {
  it('keeps calls made while it is away, in order, marked, and makes them when it is back', async () => {
    const made: string[] = [];
    const db = new State();
    const port = deferWhileAway({ async write(x: string) { made.push(x); } }, ['write'], db, quiet, { mark: (_call, args, at) => [`${String(args[0])}@${at.getTime()}`] });
    await port.write('a');
    db.set('down');
    const madeAt = Date.now();
    await port.write('b');
    await new Promise((r) => setTimeout(r, 50));
    await port.write('c');
    expect(made).to.deep.equal(['a']);
    db.set('up');
    await new Promise((r) => setTimeout(r, 20));
    expect(made.map((m) => m.split('@')[0])).to.deep.equal(['a', 'b', 'c']);
    // Each is marked with when it was made, not when it was written.
    const [b, c] = made.slice(1).map((m) => Number(m.split('@')[1]));
    expect(b).to.be.within(madeAt, madeAt + 30);
    expect(c! - b!).to.be.at.least(40);
  });

  it('a call failing with a connectivity error waits for the next time the database is back; any other error reaches the caller', async () => {
    const made: string[] = [];
    let fail: Error | undefined = new Error('not a connectivity error');
    const db = new State();
    const port = deferWhileAway({ async write(x: string) { if (fail) throw fail; made.push(x); } }, ['write'], db, quiet);
    let caught: unknown;
    await port.write('z').catch((err: unknown) => (caught = err));
    expect(caught).to.equal(fail);
    fail = new mongoose.mongo.MongoNetworkError('connection closed');
    await port.write('a');
    expect(made).to.deep.equal([]);
    fail = undefined;
    db.set('down');
    db.set('up');
    await new Promise((r) => setTimeout(r, 20));
    expect(made).to.deep.equal(['a']);
  });

  it('a call made again after a connectivity error carries what was stamped on it when first made (a write that had landed can land once)', async () => {
    const seen: string[] = [];
    let fail = true;
    let stamped = 0;
    const db = new State();
    const port = deferWhileAway({ async write(x: string) { seen.push(x); if (fail) throw new mongoose.mongo.MongoNetworkError('reset after the write'); } }, ['write'], db, quiet, { stamp: (_call, args) => [`${String(args[0])}#${++stamped}`] });
    await port.write('a');
    fail = false;
    db.set('down');
    db.set('up');
    await new Promise((r) => setTimeout(r, 20));
    await port.write('b');
    expect(seen).to.deep.equal(['a#1', 'a#1', 'b#2']);
  });

  it('a connectivity error the monitor never saw as an outage is tried again a second later by itself', async () => {
    const made: string[] = [];
    let fail = true;
    const db = new State();
    const port = deferWhileAway({ async write(x: string) { if (fail) throw new mongoose.mongo.MongoNetworkError('connection reset'); made.push(x); } }, ['write'], db, quiet);
    await port.write('a');
    fail = false;
    expect(made).to.deep.equal([]);
    await new Promise((r) => setTimeout(r, 1300));
    expect(made).to.deep.equal(['a']);
  });

  it(`keeps at most ${DEFERRED_LIMIT} calls; later ones are lost (and logged), earlier ones are all made`, async () => {
    let made = 0;
    const db = new State();
    const port = deferWhileAway({ async write() { made++; } }, ['write'], db, quiet);
    db.set('down');
    for (let i = 0; i < DEFERRED_LIMIT + 50; i++) await port.write();
    db.set('up');
    const until = Date.now() + 5000;
    while (made < DEFERRED_LIMIT && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(made).to.equal(DEFERRED_LIMIT);
  });
});
