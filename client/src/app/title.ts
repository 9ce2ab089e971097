/** The browser tab's title: one per screen, so tabs and history say where each one is. */
import { useEffect } from 'react';

const BRAND = 'Witness Bridge';

/** Sets `document.title` to `title — Witness Bridge` while the calling screen is shown. */
export function usePageTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} — ${BRAND}` : BRAND;
  }, [title]);
}
