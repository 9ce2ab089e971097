/**
 * Renders the minutes as a PDF (pdfkit). Text only, in reading order, so that the PDF reads back
 * (e.g. with pdftotext) as the same facts in the same order as the JSON.
 */
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import { ROLE_NAMES } from '../../common/vocabulary.js';
import { DOCUMENT_LABELS, personLabel, type MinutesContent, type MinutesPerson } from './minutes.content.js';

/**
 * DejaVu Sans (Debian's fonts-dejavu-core, installed by scripts/setup.sh and the Dockerfile):
 * court and place names carry Cyrillic and Romanian letters that the PDF standard fonts lack.
 */
const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONTS = { regular: `${FONT_DIR}/DejaVuSans.ttf`, bold: `${FONT_DIR}/DejaVuSans-Bold.ttf` };

const COUNTRY = new Intl.DisplayNames(['en'], { type: 'region' });
const LANGUAGE = new Intl.DisplayNames(['en'], { type: 'language' });
const MEASURES: Readonly<Record<string, string>> = {
  pseudonym: 'pseudonym',
  faceMask: 'face distortion',
  voiceMask: 'voice distortion',
  closedSession: 'closed session',
  noRecording: 'no recording',
};

const country = (code: string): string => `${COUNTRY.of(code) ?? code} (${code})`;
const language = (code: string): string => `${LANGUAGE.of(code) ?? code} (${code})`;

/** `HH:MM:SS` of an instant on the court's wall clock. */
function clock(at: string | null, timeZone: string): string {
  if (!at) return '—';
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(at));
}

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h} h ${m} min ${s} s` : `${m} min ${s} s`;
}

const who = (p: MinutesPerson): string => personLabel(p);

/** The lines of each section, in order: [heading, lines]. */
function sections(m: MinutesContent): [string, string[]][] {
  const tz = m.session.courtTimeZone;
  const at = (t: string | null) => clock(t, tz);
  const tech = m.technical.map((t) => {
    const net = t.telemetry
      ? `; bitrate in ${t.telemetry.bitrateInKbps.avg} kbit/s, out ${t.telemetry.bitrateOutKbps.avg} kbit/s; loss ${t.telemetry.lossPercent.avg} % (max ${t.telemetry.lossPercent.max} %); round trip ${t.telemetry.rttMs ? `${t.telemetry.rttMs.avg} ms (max ${t.telemetry.rttMs.max} ms)` : 'not measured'}`
      : '; network figures not recorded';
    return `${who(t)}: connected ${duration(t.connectedSeconds)}, ${t.interruptions} interruption(s)${net}.`;
  });
  const check = m.identityCheck;
  const interp = m.interpretation;
  return [
    ['Session', [`Case ${m.trial.caseNumber}, ${m.trial.court} (${country(m.trial.courtCountry)}).`, `Country pair ${m.session.countryPair}. Session ${m.session.id}.`, `Date ${m.date}; times on the court's clock (${tz}).`, `Lobby opened ${at(m.times.lobbyOpened)}; live ${at(m.times.live)}; ended ${at(m.times.ended)}.`]],
    ['Place', [`Witness side: ${country(m.place.witnessCountry)}, with the requested authority.`, `Court side: ${m.place.court}, court room ${m.place.courtRoom}, ${country(m.place.courtCountry)}.`]],
    ['Participants', m.participants.map((p) => `${who(p)} (${(ROLE_NAMES as Record<string, string>)[p.role] ?? p.role}; ${p.joinedBy === 'link' ? 'by link' : 'by account'}; ${p.attended ? 'attended' : 'did not attend'}).`)],
    [
      'Identity check',
      [
        check ? `${at(check.at)} by ${who(check.by)}: ${DOCUMENT_LABELS[check.documentType] ?? check.documentType}; identity ${check.matched ? 'confirmed' : 'NOT confirmed'}.${check.note ? ` Note: ${check.note}` : ''}` : 'No identity check was recorded.',
        ...(m.identityOverride ? [`${at(m.identityOverride.at)} the judge ordered going live without a confirmed check (${who(m.identityOverride.by)}): ${m.identityOverride.reason}`] : []),
      ],
    ],
    ['Oath', [m.oath ? `${at(m.oath.at)} ${who(m.oath.by)} informed the witness of their rights; the witness took the ${m.oath.kind}.` : 'No oath or declaration was recorded.']],
    ['Interpretation', [interp ? `Witness: ${language(interp.witnessLanguage)}; court: ${language(interp.courtLanguage)}; ${interp.mode} interpretation by ${interp.interpreters.map(who).join(', ') || 'an interpreter'}.` : 'No interpretation was recorded.']],
    ['Protective measures', [`In force at opening: ${m.measures.inForceAtOpening.map((x) => MEASURES[x] ?? x).join(', ') || 'none'}.`, ...m.measures.changes.map((c) => `${at(c.at)} ${MEASURES[c.measure] ?? c.measure} ${c.on ? 'on' : 'off'} (${who(c.by)}).`)]],
    ['Suspensions', m.suspensions.length ? m.suspensions.map((s) => `${at(s.suspendedAt)}–${at(s.resumedAt)} suspended by ${who(s.by)}: ${s.reason}`) : ['None.']],
    ['Technical conditions', tech.length ? tech : ['Nobody connected.']],
    ['Course of the hearing', m.events.map((e) => `${at(e.at)}  ${e.text}`)],
    ['Remarks of the judge', [m.remarks ? `${at(m.remarks.at)} ${who(m.remarks.by)}: ${m.remarks.text}` : 'None.']],
  ];
}

/** Renders `m` to PDF bytes. */
export function renderMinutesPdf(m: MinutesContent): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Minutes ${m.trial.caseNumber} ${m.date}`, Author: 'Witness Bridge' } });
  const unicode = fs.existsSync(FONTS.regular) && fs.existsSync(FONTS.bold);
  const regular = unicode ? FONTS.regular : 'Helvetica';
  const bold = unicode ? FONTS.bold : 'Helvetica-Bold';
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font(bold).fontSize(16).text('Minutes of a hearing by video conference');
  doc.font(regular).fontSize(9).text(`Mutual legal assistance hearing, ${m.session.countryPair}. Generated ${m.generatedAt} (UTC).`);
  for (const [heading, lines] of sections(m)) {
    doc.moveDown(0.8).font(bold).fontSize(12).text(heading);
    doc.font(regular).fontSize(10);
    for (const line of lines) doc.text(line, { paragraphGap: 2 });
  }
  doc.end();
  return done;
}
