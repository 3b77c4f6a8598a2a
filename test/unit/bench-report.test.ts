import { conclusion, progressReporter, type Row } from '../../bench/report';

// `npm run bench` ends with its conclusion: each goal, met or not, and by how much.
describe('the benchmark’s conclusion', () => {
  const rows: Row[] = [
    {
      metric: 'cold import (M instructions)',
      launcher: 252.6,
      versus: 216.1,
      format: 'M',
      goal: { ratioAtMost: 1.15 },
    },
    { metric: 'warm launch (ms)', launcher: 52, versus: 100, format: 'ms', goal: { ratioAtMost: 0.55 } },
    { metric: 'round trips, warm', launcher: 2, versus: undefined, format: 'int', goal: { atMost: 2 } },
    { metric: 'bundle size', launcher: 340, versus: 260, format: 'int' },
    {
      metric: 'noisy (ms)',
      launcher: 110,
      versus: 100,
      format: 'ms',
      rounds: [1.05, 1.1, 1.2, 1.25],
      goal: { ratioAtMost: 1.15 },
    },
  ];

  it('names every goal with its verdict and margin, and counts those met', () => {
    expect(conclusion(rows).split('\n')).toEqual([
      'goals: 2 of 4 met',
      '  NOT MET    -0.02x  cold import (M instructions) (<= 1.15x)',
      '  met        +0.03x  warm launch (ms) (<= 0.55x)',
      '  met            +0  round trips, warm (<= 2)',
      '  undecided  +0.05x  noisy (ms) (<= 1.15x)',
    ]);
  });
});

describe('the benchmark’s progress', () => {
  it('in a log: a line per stage, and within one at most one every 15 s; on a terminal, one line in place', () => {
    const lines: string[] = [];
    let clock = 0;
    const report = progressReporter({ isTTY: false, write: (text) => lines.push(text) }, () => clock);
    report('compile caches');
    report('cold starts: round 1/20');
    clock += 5_000;
    report('cold starts: round 2/20');
    clock += 11_000;
    report('cold starts: round 3/20');
    report('instructions: 1/40 (launcher arguments)');
    report('');
    expect(lines).toEqual([
      'bench: compile caches\n',
      'bench: cold starts: round 1/20\n',
      'bench: cold starts: round 3/20\n',
      'bench: instructions: 1/40 (launcher arguments)\n',
    ]);
    const screen: string[] = [];
    const live = progressReporter({ isTTY: true, write: (text) => screen.push(text) });
    live('cold starts: round 1/20');
    live('cold starts: round 2/20');
    expect(screen).toEqual(['\r\x1b[2Kcold starts: round 1/20', '\r\x1b[2Kcold starts: round 2/20']);
  });
});
