/** A user action that calls the API: busy while it runs, and its error kept for display. */
import { useCallback, useState } from 'react';

export interface Action {
  readonly busy: boolean;
  readonly error: unknown;
  /** Shows an error found before calling the API (e.g. a form check). */
  setError(error: unknown): void;
  /** Runs `action`, clearing the previous error first; a throw becomes `error`. */
  run(action: () => Promise<void>): Promise<void>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
