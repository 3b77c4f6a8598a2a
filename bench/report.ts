/** The benchmark's table: one row per figure, the launcher beside what it is compared with, the ratio, the goal. */

export interface Row {
  readonly metric: string;
  readonly launcher: number;
  /** What the launcher is compared with on this row: the reference flow, unless the metric says otherwise. */
  readonly versus: number | undefined;
  readonly format: 'ms' | 'int';
  readonly goal?: string;
  /** Whether the goal is met; absent for a row without a goal. */
  readonly met?: boolean;
}

const formats = {
  ms: (v: number) => v.toFixed(1),
  int: (v: number) => Math.round(v).toLocaleString('en-US'),
};

export const table = (rows: readonly Row[]): string => {
  const header = ['metric', 'launcher', 'vs', 'ratio', 'goal', 'met'];
  const cells = rows.map((row) => {
    const format = formats[row.format];
    const ratio = row.versus === undefined || row.versus === 0 ? '-' : (row.launcher / row.versus).toFixed(2);
    return [
      row.metric,
      format(row.launcher),
      row.versus === undefined ? '-' : format(row.versus),
      ratio,
      row.goal ?? '',
      row.met === undefined ? '' : row.met ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
};
