/**
 * Small-count suppression that no combination of queries can undo.
 *
 * The figures form a table: one cell per (year, country pair) and measure. Queries publish year
 * totals (a row's sum: distinct witnesses are a union) and country-pair totals over any range of
 * years (a sum down a column). The protection is decided once for the whole table, whatever the
 * query, so that every query answers from the same pattern:
 *
 * 1. Primary: a cell with 1 to threshold − 1 is suppressed.
 * 2. Columns: a pair's total over a range is published only if no cell in that range is
 *    suppressed, so column totals never involve a suppressed cell and differencing two
 *    overlapping ranges can only ever yield sums of published cells.
 * 3. Rows (secondary suppression): a published year total minus the published cells of that
 *    year gives the sum of the year's suppressed cells. So more cells of that year are suppressed
 *    (preferably in pairs that already have suppressed cells, smallest first) until that sum
 *    leaves every suppressed small cell free to be any of 1 … threshold − 1; when no choice of
 *    cells achieves it, the year total itself is suppressed.
 *
 * Small suppressed counts are shown as `"<N"`, others as `"suppressed"`, and a total that would
 * bound several small cells at once (a row or range of small cells) as `"suppressed"` too.
 */

/** Marker of a count suppressed to protect other cells (it may be large). */
export const SECONDARY_MARKER = 'suppressed';

/** One measure's cells, as the protection sees them. */
export interface Grid {
  readonly years: readonly number[];
  readonly pairs: readonly string[];
  /** Value of a cell (0 when absent). */
  value(year: number, pair: string): number;
  /** The year's published total (a sum, or for distinct witnesses a union). */
  rowTotal(year: number): number;
}

/** Which cells and year totals of one measure are suppressed. */
export interface Protection {
  /** `year|pair` of every suppressed cell. */
  readonly cells: ReadonlySet<string>;
  /** Year totals that are suppressed although at least the threshold. */
  readonly rows: ReadonlySet<number>;
}

const at = (year: number, pair: string): string => `${year}|${pair}`;

/**
 * True when, knowing only `sum` (the total of `group`) and which cells are primary, each primary
 * cell could still be any value from 1 to t − 1 (complementary cells are known to be ≥ t).
 */
export function leavesDoubt(group: readonly { readonly primary: boolean }[], sum: number, t: number): boolean {
  return group.every((cell, i) => {
    let min = 0;
    let max = 0;
    group.forEach((other, j) => {
      if (j === i) return;
      min += other.primary ? 1 : t;
      max += other.primary ? t - 1 : Number.POSITIVE_INFINITY;
    });
    return !cell.primary || (sum - (t - 1) >= min && sum - 1 <= max);
  });
}

/** Decides the suppression pattern of one measure over the whole table. */
export function protect(grid: Grid, t: number): Protection {
  const cells = new Set<string>();
  const rows = new Set<number>();
  const small = (v: number): boolean => v > 0 && v < t;
  for (const y of grid.years) for (const p of grid.pairs) if (small(grid.value(y, p))) cells.add(at(y, p));
  const columnsWithSuppression = new Set(grid.pairs.filter((p) => grid.years.some((y) => cells.has(at(y, p)))));
  for (const y of grid.years) {
    const primary = grid.pairs.filter((p) => cells.has(at(y, p)));
    const total = grid.rowTotal(y);
    if (primary.length === 0 || small(total)) continue;
    const chosen = secondaryFor(grid, y, primary, total, t, columnsWithSuppression);
    if (!chosen) {
      rows.add(y);
      continue;
    }
    for (const p of chosen) {
      cells.add(at(y, p));
      columnsWithSuppression.add(p);
    }
  }
  return { cells, rows };
}

/** Cells of year `y` to suppress besides `primary` so that its total leaves doubt; undefined when impossible. */
function secondaryFor(grid: Grid, y: number, primary: readonly string[], total: number, t: number, preferred: ReadonlySet<string>): string[] | undefined {
  const candidates = grid.pairs
    .filter((p) => grid.value(y, p) >= t)
    .sort((a, b) => Number(preferred.has(b)) - Number(preferred.has(a)) || grid.value(y, a) - grid.value(y, b));
  const chosen: string[] = [];
  const ok = (extra: readonly string[]): boolean => {
    const group = [...primary.map(() => ({ primary: true })), ...extra.map(() => ({ primary: false }))];
    const published = grid.pairs.filter((p) => !primary.includes(p) && !extra.includes(p)).reduce((s, p) => s + grid.value(y, p), 0);
    return leavesDoubt(group, total - published, t);
  };
  while (!ok(chosen)) {
    const rest = candidates.filter((p) => !chosen.includes(p));
    if (rest.length === 0) return undefined;
    // The first candidate that is enough on its own; otherwise the largest, and look again.
    chosen.push(rest.find((p) => ok([...chosen, p])) ?? rest.reduce((a, b) => (grid.value(y, a) >= grid.value(y, b) ? a : b)));
  }
  return chosen;
}

/** How a total over `cells` is shown: the number, `"<N"` or the secondary marker. */
export function shown(total: number, cells: readonly string[], protection: Protection, t: number): number | string {
  const suppressed = cells.filter((c) => protection.cells.has(c));
  if (suppressed.length === 0) return total;
  // One small cell alone (and zeros) is that cell: "<N" says no more than the cell does.
  if (suppressed.length === 1 && total > 0 && total < t) return `<${t}`;
  return SECONDARY_MARKER;
}

/** How a year total is shown. */
export function shownRow(year: number, total: number, nonZeroCells: number, protection: Protection, t: number): number | string {
  if (total > 0 && total < t) return nonZeroCells <= 1 ? `<${t}` : SECONDARY_MARKER;
  return protection.rows.has(year) ? SECONDARY_MARKER : total;
}
