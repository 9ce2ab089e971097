/**
 * The closing table of the three systems and their ratios (Markdown, so it pastes into the
 * README as it is). Besides the subscribers a system held, it gives the media process's CPU
 * time per delivered packet, from the largest step without loss, and what that cost projects to
 * at 85 % of one core: on a machine shared with other work a ramp can end early on a starved
 * load client, while CPU time per packet stays a fair measure of each server's cost.
 */
import type { CapacityStep } from './capacity.js';
import { ms, percentile } from './figures.js';
import type { SystemResult } from './runSystem.js';

const held = (r: SystemResult): string => {
  if (!r.best) return 'none';
  const more = r.open || r.clientBound || r.starved ? '≥ ' : '';
  return `${more}${r.best.subscribers}`;
};

/** The largest step without loss (whatever the publishers' pace), for the cost per packet. */
const costStep = (r: SystemResult): CapacityStep | undefined => [...r.steps].reverse().find((s) => s.lossPct < 1 && s.silent === 0 && s.pps > 0);

/** Media CPU µs per delivered packet. */
const usPerPacket = (s: CapacityStep | undefined): number => (s ? ((s.mediaCpu / 100) * 1e6) / s.pps : NaN);

/** Subscribers that 85 % of one core would serve at that cost, each at the publishers' full rate. */
const projected = (s: CapacityStep | undefined): number => {
  if (!s) return NaN;
  const perSubscriber = s.pps / (Math.min(100, s.pace) / 100) / s.subscribers;
  return 0.85e6 / (usPerPacket(s) * perSubscriber);
};

const fmt = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');

/** Prints the table; `results` in the order (a) Witness Bridge, (b) bare router, (c) Janus. */
export function summaryTable(results: readonly SystemResult[], log: (line: string) => void): void {
  log('');
  log('| System | Subscribers held (video + audio, < 1 % loss, < 85 % of one core) | CPU per 100 consumers there | µs of media CPU per packet delivered | Projected subscribers at 85 % of one core | Time to first frame p50 / p95 |');
  log('| --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const note = r.starved ? ' (busy machine: load client starved beyond this)' : r.clientBound ? ' (load client saturated first)' : r.open ? ' (largest step run)' : '';
    const per100 = r.best ? `${fmt((r.best.mediaCpu / r.best.consumers) * 100)} %` : '–';
    const c = costStep(r);
    log(`| ${r.name} | ${held(r)}${note} | ${per100} | ${fmt(usPerPacket(c))}${c ? ` (at ${c.subscribers})` : ''} | ${fmt(projected(c), 0)} | ${ms(percentile(r.ttff, 50))} / ${ms(percentile(r.ttff, 95))} |`);
  }
  const [a, b, c] = results;
  const ratio = (x: SystemResult | undefined, y: SystemResult | undefined) => (x?.best && y?.best ? (x.best.subscribers / y.best.subscribers).toFixed(2) : '–');
  const cost = (x: SystemResult | undefined, y: SystemResult | undefined) => (x && y ? fmt(usPerPacket(costStep(x)) / usPerPacket(costStep(y)), 2) : '–');
  log('');
  log(`ratios: subscribers held a ÷ b ${ratio(a, b)}, a ÷ c ${ratio(a, c)} (one core each); media CPU per packet a ÷ b ${cost(a, b)}, a ÷ c ${cost(a, c)}`);
}
