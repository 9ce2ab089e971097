/**
 * A room's masking pipelines, one per raw producer of the witness, all in the room's current
 * mode; those whose disguise is not ordered stand by. Emits `changed` when a masked producer appears or goes away (the room then re-delivers)
 * and `status` for the operator.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { MaskingMode, MediaKind } from '../../common/vocabulary.js';
import type { types } from '../mediasoup.js';
import { MaskingPipeline, type MaskedAppData, type MaskingStatus } from './pipeline.js';
import { randomVoiceShift, type MaskingTools, type VoiceShift } from './processes.js';

export class MaskingPipelines extends EventEmitter<{ changed: []; status: [MaskingStatus] }> {
  #mode: MaskingMode = 'face';
  /** Whether each kind's disguise is ordered (the others stand by). */
  #ordered: Record<MediaKind, boolean> = { video: false, audio: false };
  /** One voice for the room: restarts and new streams sound the same, and nobody is told the factors. */
  readonly #voice: VoiceShift = randomVoiceShift();
  readonly #pipelines = new Map<string, MaskingPipeline>();

  constructor(
    /** Without tools nothing is masked, and masked viewers receive nothing. */
    private readonly tools: MaskingTools | undefined,
    private readonly logger: Logger,
  ) {
    super();
  }

  get mode(): MaskingMode {
    return this.#mode;
  }
  get statuses(): MaskingStatus[] {
    return [...this.#pipelines.values()].map((p) => p.status);
  }
  /** The pipeline of `rawProducerId` (tests kill its processes). */
  of(rawProducerId: string): MaskingPipeline | undefined {
    return this.#pipelines.get(rawProducerId);
  }
  /** The masked producer of `rawProducerId` while its pipeline runs. */
  maskedOf(rawProducerId: string): types.Producer<MaskedAppData> | undefined {
    return this.#pipelines.get(rawProducerId)?.producer;
  }

  /** Starts disguising `source` (closed with it; nothing when it closed already). */
  start(router: types.Router, participantId: string, source: types.Producer): void {
    if (!this.tools || source.closed) return;
    const pipeline = new MaskingPipeline({ router, source, participantId, mode: this.#mode, voice: this.#voice, tools: this.tools, logger: this.logger, ordered: this.#ordered[source.kind] });
    this.#pipelines.set(source.id, pipeline);
    pipeline.on('producer', () => this.emit('changed'));
    pipeline.on('status', (s) => this.emit('status', s));
    source.observer.once('close', () => {
      pipeline.close();
      this.#pipelines.delete(source.id);
    });
  }

  /** Switches every pipeline's video disguise. */
  setMode(mode: MaskingMode): void {
    this.#mode = mode;
    for (const p of this.#pipelines.values()) p.setMode(mode);
  }

  /** Which disguises are ordered now: those pipelines run, the others stand by. */
  setOrdered(ordered: Record<MediaKind, boolean>): void {
    this.#ordered = { ...ordered };
    for (const p of this.#pipelines.values()) p.setOrdered(ordered[p.kind]);
  }

  closeAll(): void {
    for (const p of this.#pipelines.values()) p.close();
    this.#pipelines.clear();
  }
}
