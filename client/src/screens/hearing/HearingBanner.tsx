/**
 * What everyone in the room sees of the hearing: a suspension and why, and the interpretation, in
 * the page's language (English on court pages).
 */
import type { RoomSnapshot } from '../../room/port.js';
import { useLocale } from '../../i18n/index.js';

export function HearingBanner({ snap }: { snap: RoomSnapshot }) {
  const locale = useLocale();
  const m = locale.witness.room;
  const h = snap.hearing;
  if (!h) return null;
  const i = h.interpretation;
  const language = new Intl.DisplayNames([locale.meta.code], { type: 'language' });
  const modes: Readonly<Record<string, string>> = m.modes;
  return (
    <>
      {h.suspension && (
        <div className="notice notice-error" role="alert" data-testid="suspended">
          {m.suspended(h.suspension.reason)}
        </div>
      )}
      {i && (
        <p className="muted" data-testid="interpretation">
          {m.interpretation(language.of(i.witnessLanguage) ?? i.witnessLanguage, language.of(i.courtLanguage) ?? i.courtLanguage, modes[i.mode] ?? i.mode)}
        </p>
      )}
    </>
  );
}
