/**
 * Shapes of the records API (issue 3) as the client uses them. When the records domain's schemas
 * are merged these become `import type` re-exports of the server's own types.
 */
export type UserRole = 'admin' | 'prosecutor' | 'judge' | 'operator' | 'staff' | 'defence' | 'interpreter';

export interface User {
  readonly id: string;
  readonly username: string;
  readonly role: UserRole;
  readonly displayName?: string;
}

export interface LoginResult {
  readonly token: string;
  readonly user: User;
}

export interface Witness {
  readonly id: string;
  readonly codename: string;
  readonly countryOfOrigin: string;
  readonly languages?: readonly string[];
  readonly protectionStatus?: string;
  readonly riskLevel?: string;
}

export interface Trial {
  readonly id: string;
  readonly caseNumber: string;
  readonly court: string;
  readonly courtCountry: string;
  readonly judgeId: string;
  readonly prosecutorIds: readonly string[];
  readonly defendants: readonly { readonly id: string; readonly name: string }[];
  readonly charges: readonly string[];
  readonly status: string;
}

export interface Participant {
  readonly userId: string;
  readonly role: string;
}

export interface TestimonySession {
  readonly id: string;
  readonly trialId: string;
  readonly witnessId: string;
  readonly fromCountry: string;
  readonly courtCountry: string;
  readonly countryPair?: string;
  readonly courtRoom?: string;
  readonly start: string;
  readonly end: string;
  readonly timeZones?: { readonly witness: string; readonly court: string };
  readonly participants: readonly (Participant & { readonly participantId?: string; readonly displayName?: string })[];
  readonly measures: readonly string[];
  readonly interpreterLanguage?: string | null;
  readonly status: string;
}

export interface NewSession {
  readonly trialId: string;
  readonly witnessId: string;
  readonly fromCountry: string;
  readonly courtCountry: string;
  readonly courtRoom: string;
  readonly start: string;
  readonly end: string;
  readonly timeZones: { readonly witness: string; readonly court: string };
  readonly participants: readonly Participant[];
  readonly measures: readonly string[];
  readonly interpreterLanguage?: string;
}

export interface Invitation {
  readonly id?: string;
  readonly token?: string;
  readonly url?: string;
  readonly role?: string;
  readonly expiresAt?: string;
}

export interface NewSentence {
  readonly trialId: string;
  readonly defendant: string;
  readonly date: string;
  readonly termMonths: number;
  readonly outcome: string;
}

/** A count, or a suppressed small count such as `"<3"`. */
export type Count = number | string;

export interface ReportRow {
  readonly group: string;
  readonly sessionsHeld: Count;
  readonly witnessesTestified: Count;
  readonly defendantsSentenced: Count;
  readonly sentenceMonths: Count;
}

export interface ReportSummary {
  readonly groupBy: 'year' | 'countryPair';
  readonly rows: readonly ReportRow[];
}
