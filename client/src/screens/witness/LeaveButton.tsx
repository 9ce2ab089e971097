/**
 * Leave, with a question first: a tap by mistake must not take a witness out of their hearing.
 * A native modal <dialog> keeps focus inside it and closes on Escape (= stay).
 */
import { useId, useRef } from 'react';
import { useWitnessText } from '../../i18n/index.js';

export function LeaveButton({ onLeave, label, className }: { onLeave(): void; label: string; className: string }) {
  const m = useWitnessText().join;
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button type="button" className={className} onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
      <dialog ref={dialog} className="confirm" aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`}>
        <h2 id={`${id}-t`}>{m.confirmLeaveTitle}</h2>
        <p id={`${id}-d`}>{m.confirmLeaveText}</p>
        <div className="row">
          {/* The safe choice is first and takes the focus. */}
          <button type="button" autoFocus onClick={() => dialog.current?.close()}>
            {m.stay}
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              dialog.current?.close();
              onLeave();
            }}
          >
            {m.confirmLeave}
          </button>
        </div>
      </dialog>
    </>
  );
}
