/**
 * Implements `RoomPort` on the rooms helper's RoomClient: turns its events into immutable
 * snapshots for React, and its failures into sentences for people.
 */
import { RoomClient, RoomRequestError, type ParticipantView, type RemoteMedia } from '../rooms/index.js';
import { sentenceForCode } from '../api/errorText.js';
import { t } from '../strings.js';
import { EMPTY_SNAPSHOT, type LinkStats, type RoomPhase, type RoomPort, type RoomSnapshot } from './port.js';

/** A user JWT plus the session id, or an invitation token (bound to its session). */
export type RoomCredential = { readonly token: string; readonly sessionId?: string };

/** Handshake refusals that mean "not yet": the client waits calmly and tries again. */
const NOT_YET: Record<string, string> = {
  room_not_open: t.join.notOpenYet,
  invitation_not_yet_valid: t.join.notValidYet,
};
/** How long to wait before trying a "not yet" handshake again. */
const RETRY_MS = 5000;

/** Refusals worded for the room page; every other code gets its sentence from `sentenceForCode`. */
const REFUSALS: Record<string, string> = {
  session_over: t.join.ended,
  not_admitted: t.join.denied,
};

/** Handshake and request failures as the client's own sentences (never the server's text). */
function sentence(err: unknown): string {
  if (err instanceof RoomRequestError) {
    const own = REFUSALS[err.code] ?? sentenceForCode(err.code);
    if (own) return own;
    if (err.code === 'timeout') return t.errors.network;
    if (err.code === 'connect_failed' || /xhr|websocket/i.test(err.message)) return t.errors.network;
  }
  return t.errors.unexpected;
}

const CLOSED_PHASE: Record<string, RoomPhase> = { ended: 'ended', denied: 'denied', removed: 'removed', local: 'left', disconnected: 'ended' };

class RoomAdapter implements RoomPort {
  #snap: RoomSnapshot = EMPTY_SNAPSHOT;
  readonly #listeners = new Set<() => void>();
  #client: RoomClient | undefined;
  #left = false;
  readonly #participants = new Map<string, ParticipantView>();
  readonly #stats = new Map<string, LinkStats>();
  readonly #remotes = new Map<string, RemoteMedia>();

  constructor(private readonly credential: RoomCredential) {}

  snapshot(): RoomSnapshot {
    return this.#snap;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(patch: Partial<RoomSnapshot>): void {
    this.#snap = { ...this.#snap, ...patch };
    this.#listeners.forEach((l) => l());
  }

  /** Rebuilds the derived lists after any change. */
  #refresh(): void {
    const feeds = [...this.#remotes.values()].map((r) => ({
      producerId: r.producerId,
      participantId: r.participantId,
      role: r.role,
      displayName: r.displayName,
      kind: r.kind,
      track: r.track,
      paused: r.paused,
    }));
    const participants = [...this.#participants.values()]
      .filter((p) => p.admission === 'waiting' || p.admission === 'admitted')
      .map((p) => {
        const stats = this.#stats.get(p.participantId);
        return {
          id: p.participantId,
          role: p.role,
          displayName: p.displayName,
          inLobby: p.admission === 'waiting',
          connection: p.connected ? 'connected' : 'disconnected',
          ...(stats ? { stats } : {}),
        };
      });
    const producers = feeds.map((f) => ({ producerId: f.producerId, participantId: f.participantId, kind: f.kind, paused: f.paused }));
    this.#set({ feeds, participants, producers });
  }

  async join(local: MediaStream | undefined): Promise<void> {
    this.#set({ phase: 'connecting' });
    const client = await this.#connect();
    if (!client) return;
    if (this.#left) {
      client.close();
      return;
    }
    this.#client = client;
    this.#wire(client);
    this.#set({
      self: { id: client.participantId, role: client.role, displayName: client.displayName },
      sessionStatus: client.session.status,
      closedSession: client.session.measures.includes('closedSession'),
      phase: client.admission === 'admitted' ? 'connecting' : 'lobby',
      waitingReason: undefined,
    });
    try {
      await client.waitUntilAdmitted();
      // The controllers' list is theirs once admitted (a judge may wait for the operator first).
      if (client.role === 'operator' || client.role === 'judge') void this.#loadParticipants(client);
      await client.join();
      if (local) await client.publish(local);
      this.#set({ phase: 'admitted' });
    } catch (err) {
      if (!client.closed) this.#set({ phase: 'error', error: sentence(err) });
    }
  }

  /** Connects, waiting and retrying while the room is not open yet; undefined when refused or left. */
  async #connect(): Promise<RoomClient | undefined> {
    const opts = { token: this.credential.token, ...(this.credential.sessionId ? { sessionId: this.credential.sessionId } : {}) };
    while (!this.#left) {
      try {
        return await RoomClient.connect(opts);
      } catch (err) {
        const wait = err instanceof RoomRequestError ? NOT_YET[err.code] : undefined;
        if (this.#left) return undefined;
        if (!wait) {
          this.#set({ phase: 'refused', error: sentence(err) });
          return undefined;
        }
        this.#set({ phase: 'lobby', waitingReason: wait });
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
    return undefined;
  }

  async #loadParticipants(client: RoomClient): Promise<void> {
    try {
      const { participants } = await client.request('listParticipants', {});
      this.#setParticipants(participants);
    } catch {
      // Not a controller after all: the participants list simply stays empty.
    }
  }

  #setParticipants(list: readonly ParticipantView[]): void {
    this.#participants.clear();
    for (const p of list) this.#participants.set(p.participantId, p);
    this.#refresh();
  }

  #wire(c: RoomClient): void {
    c.on('admission', (a) => {
      if (a === 'waiting') this.#set({ phase: 'lobby' });
    });
    c.on('session', (s) => this.#set({ sessionStatus: s.status, closedSession: s.measures.includes('closedSession') }));
    c.on('participants', (list) => this.#setParticipants(list));
    c.on('telemetry', ({ participants }) => {
      this.#stats.clear();
      for (const s of participants)
        this.#stats.set(s.participantId, {
          bitrateInKbps: s.bitrateIn / 1000,
          bitrateOutKbps: s.bitrateOut / 1000,
          lossPercent: s.packetLoss,
          rttMs: s.rttMs ?? 0,
        });
      this.#refresh();
    });
    c.on('remoteAdded', (r) => {
      this.#remotes.set(r.consumerId, r);
      this.#refresh();
    });
    c.on('remotePaused', (r) => {
      this.#remotes.set(r.consumerId, r);
      this.#refresh();
    });
    c.on('remoteRemoved', ({ consumerId }) => {
      this.#remotes.delete(consumerId);
      this.#refresh();
    });
    c.on('closed', ({ reason }) => {
      this.#remotes.clear();
      this.#refresh();
      this.#set({ phase: CLOSED_PHASE[reason] ?? 'ended', ...(reason === 'ended' ? { sessionStatus: 'ended' } : {}) });
    });
  }

  leave(): void {
    this.#left = true;
    if (this.#client) this.#client.close();
    else this.#set({ phase: 'left' });
  }

  async #command(run: (c: RoomClient) => Promise<unknown>): Promise<void> {
    const c = this.#client;
    if (!c || c.closed) throw new Error(t.errors.network);
    try {
      await run(c);
    } catch (err) {
      throw new Error(sentence(err));
    }
  }

  admit = (participantId: string) => this.#command((c) => c.request('admit', { participantId }));
  deny = (participantId: string) => this.#command((c) => c.request('deny', { participantId }));
  remove = (participantId: string) => this.#command((c) => c.request('remove', { participantId }));
  pauseProducer = (producerId: string) => this.#command((c) => c.request('pauseProducer', { producerId }));
  resumeProducer = (producerId: string) => this.#command((c) => c.request('resumeProducer', { producerId }));
  setClosedSession = (closed: boolean) =>
    this.#command(async (c) => {
      const s = await c.request('setClosedSession', { closed });
      this.#set({ closedSession: s.measures.includes('closedSession'), sessionStatus: s.status });
    });
  start = () =>
    this.#command(async (c) => {
      const s = await c.request('startSession', {});
      this.#set({ sessionStatus: s.status });
    });
  end = () =>
    this.#command(async (c) => {
      const s = await c.request('endSession', {});
      this.#set({ sessionStatus: s.status });
    });
}

/** A room connection for `credential`; call `join()` to connect. */
export function connectRoom(credential: RoomCredential): RoomPort {
  return new RoomAdapter(credential);
}
