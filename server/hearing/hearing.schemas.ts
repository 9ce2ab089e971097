/** Validation of the hearing routes' input, and the views they return. */
import { z } from 'zod';
import { INTERPRETATION_MODES } from '../../common/vocabulary.js';
import type { InterpretationPlan } from '../signaling/ports.js';

const language = z.string().regex(/^[a-z]{2,3}$/, 'must be an ISO 639 code such as ro');

/** `PUT /sessions/:id/interpretation`: the languages, the mode and who interprets. */
export const interpretationBody = z
  .object({
    witnessLanguage: language,
    courtLanguage: language,
    mode: z.enum(INTERPRETATION_MODES),
    /** Participant ids of interpreters of this session (an account's or an interpreter link's). */
    interpreterParticipantIds: z.array(z.string().min(1).max(64)).min(1).max(4),
  })
  .strict();
export type InterpretationInput = z.output<typeof interpretationBody>;

/** `PUT /sessions/:id/minutes/remarks`: the judge's remarks on the version they read. */
export const remarksBody = z.object({ version: z.number().int().min(1), remarks: z.string().trim().min(1).max(4000) }).strict();
export type RemarksInput = z.output<typeof remarksBody>;

/** `POST /sessions/:id/minutes/seal`: the version the judge read and seals. */
export const sealBody = z.object({ version: z.number().int().min(1) }).strict();

/** `GET /sessions/:id/interpretation`. */
export interface InterpretationView {
  readonly interpretation: InterpretationPlan | null;
}

/** Minutes as the API lists them: the stored content, its hashes and whether sealed. */
export interface MinutesView {
  readonly sessionId: string;
  readonly version: number;
  readonly generatedAt: string;
  /** SHA-256 of the PDF bytes and of the JSON text, hex; both are in the audit chain. */
  readonly sha256Pdf: string;
  readonly sha256Json: string;
  readonly sealed: boolean;
  readonly sealedAt: string | null;
  /** The minutes themselves, as stored (see `minutes.content.ts`). */
  readonly content: unknown;
}

/** `GET /sessions/:id/minutes/verify`: the stored minutes against their bytes and the audit chain. */
export interface MinutesVerification {
  readonly ok: boolean;
  readonly version: number;
  readonly sha256Pdf: string;
  /** Whether the stored bytes still hash to the stored hashes. */
  readonly bytesMatch: boolean;
  /** Sequence number of the audit event that carries this version's hashes; null if none. */
  readonly auditSeq: number | null;
  /** Whether the whole audit chain verifies. */
  readonly chainOk: boolean;
}
