/** Runs a room command and keeps its failure (already a sentence from the room port) for display. */
import { useState } from 'react';
import { UserFacingError } from '../../components/common.js';

export function useRoomCommand(): { error: unknown; busy: boolean; exec(run: () => Promise<void>): Promise<boolean> } {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const exec = async (run: () => Promise<void>): Promise<boolean> => {
    setError(undefined);
    setBusy(true);
    try {
      await run();
      return true;
    } catch (e) {
      // The port's errors carry the client's own sentence for the server's code.
      setError(new UserFacingError(e instanceof Error ? e.message : String(e)));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, exec };
}
