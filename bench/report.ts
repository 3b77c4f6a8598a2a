/**
 * The benchmark's table: one row per figure, the launcher beside what it is compared with, the ratio, its spread,
 * the goal, the verdict and the margin to the goal.
 */
import { quantile } from './stats';

/** A goal: the ratio to the row's comparison at most this, or the launcher's own figure at most this. */
export type Goal = { readonly ratioAtMost: number } | { readonly atMost: number };

export interface Row {
  readonly metric: string;
  readonly launcher: number;
  /** What the launcher is compared with on this row: the reference flow, unless the metric says otherwise. */
  readonly versus: number | undefined;
  readonly format: 'ms' | 'int' | 'M';
  /**
   * The ratio round by round (each round's launcher over the same round's comparison), for timed rows: the middle
   * half of them is the row's spread, and a goal is met only when all of that half meets it.
   */
  readonly rounds?: readonly number[];
  readonly goal?: Goal;
}

export type Verdict = 'met' | 'NOT MET' | 'undecided';

const ratioOf = (row: Row): number | undefined =>
  row.versus === undefined || row.versus === 0 ? undefined : row.launcher / row.versus;

/** The middle half of the round-by-round ratios. */
export const spreadOf = (row: Row): readonly [number, number] | undefined =>
  row.rounds === undefined || row.rounds.length === 0
    ? undefined
    : [quantile(row.rounds, 0.25), quantile(row.rounds, 0.75)];

/**
 * Met when the figure meets the goal, and for a timed row when the round-by-round ratios' middle half all do; not
 * met when all of it misses; undecided when the machine's noise straddles the bound (run again, or read the
 * instruction rows, whose medians vary by about 0.2%).
 */
export const verdictOf = (row: Row): { verdict: Verdict; margin: number } | undefined => {
  const { goal } = row;
  if (goal === undefined) return undefined;
  if ('atMost' in goal) {
    const margin = goal.atMost - row.launcher;
    return { verdict: margin >= 0 ? 'met' : 'NOT MET', margin };
  }
  const ratio = ratioOf(row);
  if (ratio === undefined) return { verdict: 'NOT MET', margin: Number.NaN };
  const margin = goal.ratioAtMost - ratio;
  const spread = spreadOf(row);
  if (spread === undefined) return { verdict: margin >= 0 ? 'met' : 'NOT MET', margin };
  const [low, high] = spread;
  return { verdict: high <= goal.ratioAtMost ? 'met' : low > goal.ratioAtMost ? 'NOT MET' : 'undecided', margin };
};

const formats = {
  ms: (v: number) => v.toFixed(1),
  M: (v: number) => v.toFixed(1),
  int: (v: number) => Math.round(v).toLocaleString('en-US'),
};

const goalText = (goal: Goal | undefined, format: Row['format']): string =>
  goal === undefined
    ? ''
    : 'ratioAtMost' in goal
      ? `<= ${goal.ratioAtMost.toFixed(2)}x`
      : `<= ${formats[format](goal.atMost)}`;

/** How far the figure is from its goal: `+0.03x` inside it, `-0.02x` outside; empty without a goal. */
const marginText = (row: Row): string => {
  const judged = verdictOf(row);
  if (judged === undefined || row.goal === undefined || Number.isNaN(judged.margin)) return '';
  const sign = judged.margin >= 0 ? '+' : '';
  return 'ratioAtMost' in row.goal
    ? `${sign}${judged.margin.toFixed(2)}x`
    : `${sign}${formats[row.format](judged.margin)}`;
};

/** The run's conclusion: every goal with its verdict and margin, then how many were met. */
export const conclusion = (rows: readonly Row[]): string => {
  const judged = rows.flatMap((row) => {
    const verdict = verdictOf(row)?.verdict;
    return verdict === undefined ? [] : [{ row, verdict }];
  });
  const width = Math.max(...judged.map(({ verdict }) => verdict.length));
  const marginWidth = Math.max(...judged.map(({ row }) => marginText(row).length));
  const lines = judged.map(
    ({ row, verdict }) =>
      `  ${verdict.padEnd(width)}  ${marginText(row).padStart(marginWidth)}  ${row.metric} (${goalText(row.goal, row.format)})`,
  );
  const met = judged.filter(({ verdict }) => verdict === 'met').length;
  return [`goals: ${met} of ${judged.length} met`, ...lines].join('\n');
};

export const table = (rows: readonly Row[]): string => {
  const header = ['metric', 'launcher', 'vs', 'ratio', 'middle half', 'goal', 'verdict', 'margin'];
  const cells = rows.map((row) => {
    const format = formats[row.format];
    const ratio = ratioOf(row);
    const spread = spreadOf(row);
    const judged = verdictOf(row);
    return [
      row.metric,
      format(row.launcher),
      row.versus === undefined ? '-' : format(row.versus),
      ratio === undefined ? '-' : ratio.toFixed(2),
      spread === undefined ? '' : `${spread[0].toFixed(2)}-${spread[1].toFixed(2)}`,
      goalText(row.goal, row.format),
      judged?.verdict ?? '',
      marginText(row),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
};

/**
 * Progress on a stream (stderr), so that a run of several minutes is never silent: on a terminal, one line rewritten
 * in place; elsewhere (a pipe, a CI log), a line when the stage changes and at most one every 15 s within a stage,
 * so that stdout keeps the table alone and a log stays short. An empty text ends the progress.
 */
export const progressReporter = (
  stream: { readonly isTTY?: boolean; write(text: string): unknown },
  now: () => number = Date.now,
) => {
  let stage = '';
  let said = Number.NEGATIVE_INFINITY;
  return (text: string): void => {
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${text}`);
      return;
    }
    const current = text.replace(/\d.*$/, '').trim();
    if (text === '' || (current === stage && now() - said < 15_000)) return;
    stage = current;
    said = now();
    stream.write(`bench: ${text}\n`);
  };
};
