import {
  defaultTimeoutMinutes,
  jobTimeoutMinutes,
  secondsNeeded,
  tokenDuration,
  upfrontDuration,
} from '../../src/token/lifetime';

describe('token lifetime', () => {
  it('auto: run timeout plus 15 minutes, from the request first', () => {
    expect(secondsNeeded({ requestTimeout: 60, jobTimeout: 600 })).toBe(60 * 60 + 900);
  });

  it('auto: then the job’s Timeout, then Glue’s default of 2880 minutes', () => {
    expect(secondsNeeded({ jobTimeout: 120 })).toBe(120 * 60 + 900);
    expect(secondsNeeded({})).toBe(43_200); // 2880 min + 900 s is past the 12-hour cap
  });

  it('a job without a Timeout runs for its Glue version’s default: 2880 minutes to 4.0, 480 from 5.0', () => {
    expect(['0.9', '1.0', '2.0', '3.0', '4.0', undefined, 'x'].map(defaultTimeoutMinutes)).toEqual([
      2880, 2880, 2880, 2880, 2880, 2880, 2880,
    ]);
    expect(['5.0', '5.1', '6.0'].map(defaultTimeoutMinutes)).toEqual([480, 480, 480]);
    expect(jobTimeoutMinutes({ timeout: undefined, glueVersion: '5.0' })).toBe(480);
    expect(jobTimeoutMinutes({ timeout: 30, glueVersion: '5.0' })).toBe(30);
    // A Glue 5 run's token: 480 minutes and the margin, 8 h 15 min, not the 12 h cap.
    expect(secondsNeeded({ jobTimeout: jobTimeoutMinutes({ glueVersion: '5.0' }) })).toBe(480 * 60 + 900);
    expect(secondsNeeded({ jobTimeout: jobTimeoutMinutes({ glueVersion: '4.0' }) })).toBe(43_200);
  });

  it('auto: clamped to 900..43200 seconds', () => {
    expect(secondsNeeded({ requestTimeout: 1 })).toBe(60 + 900);
    expect(secondsNeeded({ requestTimeout: 704 })).toBe(704 * 60 + 900);
    expect(secondsNeeded({ requestTimeout: 706 })).toBe(43_200);
    expect(secondsNeeded({ requestTimeout: 100_000 })).toBe(43_200);
    expect(tokenDuration('auto', [])).toBe(900);
  });

  it('a fixed setting wins over any need', () => {
    expect(tokenDuration(1800, [{ requestTimeout: 600 }])).toBe(1800);
  });

  it('a batch gets one token sized for its longest need', () => {
    expect(tokenDuration('auto', [{ requestTimeout: 10 }, { jobTimeout: 300 }, { requestTimeout: 30 }])).toBe(
      300 * 60 + 900,
    );
  });

  it('knows the duration before GetJob when fixed, or when every run’s timeout is known (given or remembered)', () => {
    expect(upfrontDuration(3600, [{}])).toBe(3600);
    expect(upfrontDuration('auto', [{ requestTimeout: 30 }, { requestTimeout: 60 }])).toBe(60 * 60 + 900);
    expect(upfrontDuration('auto', [{ requestTimeout: 30 }, { jobTimeout: 120 }])).toBe(120 * 60 + 900);
    expect(upfrontDuration('auto', [{ requestTimeout: 30 }, {}])).toBeUndefined();
  });
});
