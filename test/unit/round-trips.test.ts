import { roundTrips } from '../../bench/round-trips';
import type { Call } from '../../local/standin/server';

const call = (operation: string, receivedAt: number, respondedAt: number, service: Call['service'] = 'glue'): Call => ({
  service,
  operation,
  receivedAt,
  respondedAt,
  input: {},
});

describe('round trips on the critical path (the benchmark’s count)', () => {
  it('counts overlapping calls once', () => {
    const launcher = [
      call('GetJob', 0, 25),
      call('GetJobRuns', 1, 26),
      call('GetAuthorizationToken', 1, 26, 'codeartifact'),
      call('StartJobRun', 27, 52),
    ];
    expect(roundTrips(launcher)).toBe(2);
  });

  it('counts sequential calls each, whatever their order in the log', () => {
    const reference = [call('StartJobRun', 90, 115), call('GetJob', 0, 25), call('A', 30, 55), call('B', 60, 85)];
    expect(roundTrips(reference)).toBe(4);
  });

  it('leaves pip’s requests to the index out', () => {
    expect(roundTrips([call('GetJob', 0, 25), call('PyPI', 30, 31, 'pypi')])).toBe(1);
  });
});
