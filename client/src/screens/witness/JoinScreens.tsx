/** The calm, full-page states of the join flow, each in the language of the person joining. */
import type { ReactNode } from 'react';
import { usePageTitle } from '../../app/title.js';
import { useLocale, useWitnessText } from '../../i18n/index.js';
import { startSentence } from './witnessText.js';

/** The frame of every join state: one main region, centred, with the language switch on top. */
export function Calm({ title, header, children }: { title: string; header: ReactNode; children: ReactNode }) {
  usePageTitle(title);
  return (
    <main id="main" className="calm narrow">
      {header}
      {children}
    </main>
  );
}

/**
 * Waiting: for the court to admit, for the room to open, or for the link's window to begin.
 * `children`: what the person can already do while waiting (the requested authority's check).
 */
export function WaitingPage({ header, text, start, children }: { header: ReactNode; text: string; start: string | undefined; children?: ReactNode }) {
  const locale = useLocale();
  const m = locale.witness;
  return (
    <Calm title={m.titles.lobby} header={header}>
      <h1>{m.join.lobbyTitle}</h1>
      <p role="status" className="big" data-testid="lobby">
        {text}
      </p>
      {start && (
        <p className="big" data-testid="session-start">
          {startSentence(locale, start)}
        </p>
      )}
      <div className="breathe" aria-hidden="true" />
      {children}
    </Calm>
  );
}

/** The session is over for this person; after leaving by choice they can go back in. */
export function FinalPage({ header, text, title, onRejoin }: { header: ReactNode; text: string; title: string; onRejoin?: () => void }) {
  const m = useWitnessText();
  return (
    <Calm title={title} header={header}>
      <h1>{title}</h1>
      <p role="status" className="big">
        {text}
      </p>
      {onRejoin && (
        <>
          <button type="button" onClick={onRejoin}>
            {m.join.rejoin}
          </button>
          <p className="muted">{m.join.closePage}</p>
        </>
      )}
    </Calm>
  );
}

/** The link was bound to another device first: say what happened and what to do next. */
export function UsedElsewherePage({ header }: { header: ReactNode }) {
  const m = useWitnessText();
  return (
    <Calm title={m.titles.usedElsewhere} header={header}>
      <h1>{m.usedElsewhere.title}</h1>
      <div className="notice notice-error" role="alert">
        {m.usedElsewhere.text}
      </div>
      <p className="big">
        <strong>{m.usedElsewhere.next}</strong>
      </p>
    </Calm>
  );
}

/** Any other refusal, as the page language's sentence for its code. */
export function RefusedPage({ header, text }: { header: ReactNode; text: string }) {
  const m = useWitnessText();
  return (
    <Calm title={m.titles.cannotJoin} header={header}>
      <h1>{m.titles.cannotJoin}</h1>
      <div className="notice notice-error" role="alert">
        {text}
      </div>
    </Calm>
  );
}

/** The public gallery while the court sits in closed session: nothing to see, and why. */
export function ClosedToPublicPage({ header }: { header: ReactNode }) {
  const m = useWitnessText().room;
  return (
    <Calm title={m.publicClosedTitle} header={header}>
      <h1>{m.publicClosedTitle}</h1>
      <p role="status" className="big" data-testid="public-closed">
        {m.publicClosedText}
      </p>
      <div className="breathe" aria-hidden="true" />
    </Calm>
  );
}
