/**
 * Implements `RoomPort` on the rooms helper's RoomClient: turns its events into immutable
 * snapshots for React, and its failures into sentences for people.
 */
import { WATCH_ONLY_ROLES, type LiveMeasure, type MaskingMode } from '../../../common/vocabulary.js';
import { RoomClient, RoomRequestError, type MaskingStatusView, type ParticipantView, type RemoteMedia, type SessionInfo } from '../rooms/index.js';
import { sentenceForCode } from '../api/errorText.js';
import { UserFacingError } from '../components/common.js';
import { t } from '../strings.js';
import { EMPTY_SNAPSHOT, type HearingState, type IdentityCheckInput, type LinkStats, type Listening, type RoomPhase, type RoomPort, type RoomSnapshot } from './port.js';
import { isPresent, ownState, toFeeds, toParticipants, toProducers } from './roomView.js';

/** A user JWT plus the session id, or an invitation token (bound to its session). */
export type RoomCredential = { readonly token: string; readonly sessionId?: string };

/** Handshake refusals that mean "not yet": the client waits calmly and tries again. */
const NOT_YET: Record<string, string> = {
  room_not_open: t.join.notOpenYet,
  invitation_not_yet_valid: t.join.notValidYet,
  // A moment's outage (the records are away, the network blinked): try again, do not give up.
  database_unavailable: t.join.connecting,
  connect_failed: t.join.connecting,
  timeout: t.join.connecting,
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

/** The code of a refusal or failure, when it has one. */
function codeOf(err: unknown): string {
  return err instanceof RoomRequestError ? err.code : 'unexpected';
}

const CLOSED_PHASE: Record<string, RoomPhase> = { ended: 'ended', denied: 'denied', removed: 'removed', local: 'left', disconnected: 'ended' };

/** Roles that run the hearing: they get the participants list and the masking state. */
const CONTROLLERS: ReadonlySet<string> = new Set(['operator', 'judge']);

/** The snapshot's part that a session change (status, measures) sets. */
function sessionPatch(s: SessionInfo): Pick<RoomSnapshot, 'sessionStatus' | 'measures' | 'closedSession'> {
  return { sessionStatus: s.status, measures: s.measures, closedSession: s.measures.includes('closedSession') };
}

type Kind = 'audio' | 'video';

class RoomAdapter implements RoomPort {
  #snap: RoomSnapshot = EMPTY_SNAPSHOT;
  readonly #listeners = new Set<() => void>();
  #client: RoomClient | undefined;
  #left = false;
  #inMedia = false;
  /** The stream to send once in the room's media (kept for device changes). */
  #local: MediaStream | undefined;
  readonly #participants = new Map<string, ParticipantView>();
  readonly #stats = new Map<string, LinkStats>();
  readonly #remotes = new Map<string, RemoteMedia>();
  readonly #masking = new Map<string, MaskingStatusView>();
  readonly #own = { published: new Set<Kind>(), muted: new Set<Kind>(), held: new Set<Kind>() };

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
    const feeds = toFeeds(this.#remotes.values());
    this.#set({
      feeds,
      producers: toProducers(feeds),
      participants: toParticipants(this.#participants.values(), this.#stats),
      own: { audio: ownState('audio', this.#own), video: ownState('video', this.#own) },
    });
  }

  async join(): Promise<void> {
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
      ...sessionPatch(client.session),
      phase: client.admission === 'admitted' ? 'connecting' : 'lobby',
      waitingReason: undefined,
      waitingCode: undefined,
    });
    // Allowed from the lobby: the authority checks identity there, and everyone sees a suspension.
    client.request('hearingState', {}).then((h) => this.#set({ hearing: h }), () => undefined);
    try {
      await client.waitUntilAdmitted();
      // The controllers' lists are theirs once admitted (a judge may wait for the operator first).
      if (CONTROLLERS.has(client.role)) void this.#loadControllerState(client);
      await client.join();
      this.#inMedia = true;
      // A link whose role hint was wrong may have had devices checked for a watch-only role: never sent.
      if (this.#local && !(WATCH_ONLY_ROLES as readonly string[]).includes(client.role)) await this.#publishNow(client, this.#local);
      this.#set({ phase: 'admitted' });
    } catch (err) {
      if (!client.closed) this.#set({ phase: 'error', error: sentence(err), errorCode: codeOf(err) });
    }
  }

  publish(stream: MediaStream): void {
    this.#local = stream;
    const c = this.#client;
    if (c && this.#inMedia && !c.closed) this.#publishNow(c, stream).catch((err: unknown) => this.#set({ phase: 'error', error: sentence(err), errorCode: codeOf(err) }));
  }

  async #publishNow(client: RoomClient, stream: MediaStream): Promise<void> {
    await client.publish(stream);
    for (const track of stream.getTracks()) this.#own.published.add(track.kind === 'audio' ? 'audio' : 'video');
    // Muted before entering (e.g. on the way back in): the server is told again.
    for (const kind of this.#own.muted) await client.setMediaPaused(kind, true);
    this.#refresh();
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
          this.#set({ phase: 'refused', error: sentence(err), errorCode: codeOf(err) });
          return undefined;
        }
        this.#set({ phase: 'lobby', waitingReason: wait, waitingCode: codeOf(err) });
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
    return undefined;
  }

  async #loadControllerState(client: RoomClient): Promise<void> {
    const [list, masking] = await Promise.allSettled([client.request('listParticipants', {}), client.request('getMaskingStatus', {})]);
    if (list.status === 'fulfilled') this.#setParticipants(list.value.participants);
    if (masking.status === 'fulfilled') {
      for (const m of masking.value.streams) this.#masking.set(m.sourceProducerId, m);
      this.#set({ masking: { mode: masking.value.mode, streams: [...this.#masking.values()] } });
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
    c.on('session', (s) => this.#set(sessionPatch(s)));
    c.on('participants', (list) => this.#setParticipants(list));
    c.on('hearing', (h) => this.#set({ hearing: h }));
    c.on('telemetry', ({ participants }) => {
      this.#stats.clear();
      for (const s of participants) this.#stats.set(s.participantId, { bitrateInKbps: s.bitrateIn / 1000, bitrateOutKbps: s.bitrateOut / 1000, lossPercent: s.packetLoss, rttMs: s.rttMs ?? 0 });
      this.#refresh();
    });
    c.on('maskingStatus', (m) => {
      if (m.state === 'closed') this.#masking.delete(m.sourceProducerId);
      else this.#masking.set(m.sourceProducerId, m);
      this.#set({ masking: { mode: m.mode, streams: [...this.#masking.values()] } });
    });
    c.on('activeSpeaker', ({ participantId }) => this.#set({ activeSpeaker: participantId }));
    c.on('localPaused', ({ kind, paused }) => {
      if (paused) this.#own.held.add(kind);
      else this.#own.held.delete(kind);
      this.#refresh();
    });
    const keep = (r: RemoteMedia) => {
      this.#remotes.set(r.consumerId, r);
      this.#refresh();
    };
    c.on('remoteAdded', keep);
    c.on('remotePaused', keep);
    c.on('remoteRemoved', ({ consumerId }) => {
      this.#remotes.delete(consumerId);
      this.#refresh();
    });
    c.on('signedOut', ({ code }) => this.#set({ signedOut: code }));
    c.on('closed', ({ reason }) => {
      // Nothing of the room stays on screen: no tile, no lobby entry, no button.
      this.#remotes.clear();
      this.#participants.clear();
      this.#masking.clear();
      this.#refresh();
      const phase: RoomPhase = this.#snap.signedOut ? 'signedOut' : (CLOSED_PHASE[reason] ?? 'ended');
      this.#set({ phase, masking: undefined, activeSpeaker: undefined, ...(reason === 'ended' ? { sessionStatus: 'ended' } : {}) });
    });
  }

  leave(): void {
    this.#left = true;
    if (this.#client) this.#client.close();
    else this.#set({ phase: 'left' });
  }

  async #command(run: (c: RoomClient) => Promise<unknown>): Promise<void> {
    const c = this.#client;
    if (!c || c.closed) throw new UserFacingError(t.errors.network);
    try {
      await run(c);
    } catch (err) {
      // A sentence written for people, so the console shows it (not "something unexpected").
      throw new UserFacingError(sentence(err));
    }
  }

  setOwnMedia = (kind: Kind, paused: boolean) =>
    this.#command(async (c) => {
      if (paused) this.#own.muted.add(kind);
      else this.#own.muted.delete(kind);
      this.#refresh();
      // Before entering the media there is nothing to pause yet: publishing applies it.
      if (!this.#own.published.has(kind)) return;
      const state = await c.setMediaPaused(kind, paused);
      if (state === 'held') this.#own.held.add(kind);
      this.#refresh();
    });
  replaceTrack = (track: MediaStreamTrack) =>
    this.#command(async (c) => {
      const kind: Kind = track.kind === 'audio' ? 'audio' : 'video';
      const stream = new MediaStream([...(this.#local?.getTracks() ?? []).filter((x) => x.kind !== track.kind), track]);
      this.#local = stream;
      if (!this.#inMedia) return;
      await c.replaceTrack(track);
      this.#own.published.add(kind);
      this.#refresh();
    });
  setListening = (channel: Listening) =>
    this.#command(async (c) => {
      const r = await c.request('setListening', { channel });
      this.#set({ listening: r.channel });
    });
  admit = (participantId: string) => this.#command((c) => c.request('admit', { participantId }));
  admitAll = () =>
    this.#command(async (c) => {
      // One by one: each admission is audited and recorded on its own.
      for (const p of this.#snap.participants) if (p.inLobby && isPresent(p)) await c.request('admit', { participantId: p.id });
    });
  deny = (participantId: string) => this.#command((c) => c.request('deny', { participantId }));
  remove = (participantId: string) => this.#command((c) => c.request('remove', { participantId }));
  pauseProducer = (producerId: string) => this.#command((c) => c.request('pauseProducer', { producerId }));
  resumeProducer = (producerId: string) => this.#command((c) => c.request('resumeProducer', { producerId }));
  setClosedSession = (closed: boolean) => this.#command(async (c) => this.#set(sessionPatch(await c.request('setClosedSession', { closed }))));
  setMeasure = (measure: LiveMeasure, on: boolean) => this.#command(async (c) => this.#set(sessionPatch(await c.request('setMeasure', { measure, on }))));
  setMaskingMode = (mode: MaskingMode) =>
    this.#command(async (c) => {
      const r = await c.request('setMaskingMode', { mode });
      this.#set({ masking: { mode: r.mode, streams: this.#snap.masking?.streams ?? [] } });
    });
  start = () => this.#command(async (c) => this.#set(sessionPatch(await c.request('startSession', {}))));
  end = () => this.#command(async (c) => this.#set(sessionPatch(await c.request('endSession', {}))));
  /** Runs a hearing request and keeps the state it answers with. */
  #hearing(run: (c: RoomClient) => Promise<HearingState>): Promise<void> {
    return this.#command(async (c) => this.#set({ hearing: await run(c) }));
  }
  recordIdentityCheck = (input: IdentityCheckInput) => this.#hearing((c) => c.request('recordIdentityCheck', { ...input }));
  overrideIdentityCheck = (reason: string) => this.#hearing((c) => c.request('overrideIdentityCheck', { reason }));
  recordOath = (kind: 'oath' | 'declaration') => this.#hearing((c) => c.request('recordOath', { kind, rightsInformed: true }));
  suspend = (reason: string) => this.#hearing((c) => c.request('suspendHearing', { reason }));
  resume = () => this.#hearing((c) => c.request('resumeHearing', {}));
}

/** A room connection for `credential`; call `join()` to connect. */
export function connectRoom(credential: RoomCredential): RoomPort {
  return new RoomAdapter(credential);
}
