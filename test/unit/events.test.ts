import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GLUE_JOB_NAME } from '../../src/boundary/allowlist';
import { LauncherError } from '../../src/errors';
import { derivedKey, requestDigest } from '../../src/idempotency/record';
import { loadConfigState } from '../../src/input/config';
import { parseEvent } from '../../src/input/events';
import { largerThan } from '../../src/input/grammar';

const CONFIG = {
  AWS_REGION: 'eu-west-1',
  CODEARTIFACT_DOMAIN: 'data-platform',
  CODEARTIFACT_REPOSITORY: 'private-pypi',
  ALLOWED_JOB_NAMES: '*',
};

const EVENTS = join(__dirname, '../../events');
const sample = (file: string): unknown => JSON.parse(readFileSync(join(EVENTS, file), 'utf8'));

const invalid = (event: unknown, defaultJob?: string | null): string => {
  try {
    parseEvent(event, defaultJob === null ? undefined : (defaultJob ?? 'nightly-etl'));
  } catch (error) {
    expect(error).toBeInstanceOf(LauncherError);
    expect((error as Error).name).toBe('InvalidRequest');
    return (error as Error).message;
  }
  throw new Error(`expected InvalidRequest for ${JSON.stringify(event)}`);
};

describe('sample events (events/)', () => {
  it('has one sample per event kind, and each parses', () => {
    const files = readdirSync(EVENTS).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(
      [
        'batch.json',
        'custom-batch.json',
        'custom-request.json',
        'empty.json',
        'python-shell-request.json',
        'scheduled-rule.json',
        'scheduler.json',
        'step-functions-request.json',
      ].sort(),
    );
    for (const file of files) expect(() => parseEvent(sample(file), 'nightly-etl')).not.toThrow();
  });

  it('{} launches the default job without a key', () => {
    expect(parseEvent(sample('empty.json'), 'nightly-etl')).toEqual({
      batch: false,
      requests: [{ jobName: 'nightly-etl' }],
    });
  });

  it('a scheduled rule launches the default job keyed by the event id', () => {
    expect(parseEvent(sample('scheduled-rule.json'), 'nightly-etl')).toEqual({
      batch: false,
      requests: [
        { jobName: 'nightly-etl', idempotencyKey: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa', keySource: 'event' },
      ],
      eventTime: new Date('2026-11-21T02:00:00Z'),
    });
  });

  it('EventBridge Scheduler’s default event (detail is a JSON string) launches the default job', () => {
    expect(parseEvent(sample('scheduler.json'), 'nightly-etl')).toEqual({
      batch: false,
      requests: [
        { jobName: 'nightly-etl', idempotencyKey: '8f1c7a52-3bd0-4b1e-9a55-4d7f2b0c9e11', keySource: 'event' },
      ],
      eventTime: new Date('2026-11-21T02:00:00Z'),
    });
  });

  it('a direct request keeps its run settings and key', () => {
    const plan = parseEvent(sample('step-functions-request.json'), undefined);
    expect(plan).toEqual({
      batch: false,
      requests: [
        {
          jobName: 'nightly-etl',
          arguments: { '--run-date': '2026-11-21', '--input_path': 's3://team-data/raw/2026-11-21/' },
          workerType: 'G.1X',
          numberOfWorkers: 4,
          executionClass: 'STANDARD',
          idempotencyKey: 'arn:aws:states:eu-west-1:111122223333:execution:nightly:2026-11-21',
          keySource: 'request',
        },
      ],
    });
  });

  it('a batch gives one request per job, each keyed by the batch key and what it asks for', () => {
    const plan = parseEvent(sample('batch.json'), undefined);
    expect(plan.batch).toBe(true);
    expect(plan.requests.map((r) => [r.jobName, r.idempotencyKey, r.keySource])).toEqual(
      plan.requests.map((r) => [r.jobName, derivedKey('backfill-2026-11-21', r.jobName, requestDigest(r), 0), 'batch']),
    );
    expect(plan.requests[0]?.idempotencyKey).toMatch(/^backfill-2026-11-21 [0-9a-f]{16}$/);
    expect(plan.requests[1]?.executionClass).toBe('FLEX');
  });

  it('a custom EventBridge event carries a request or a batch in detail, keyed by the event id', () => {
    expect(parseEvent(sample('custom-request.json'), undefined).requests).toEqual([
      {
        jobName: 'hourly-etl',
        arguments: { '--source-prefix': 's3://landing/2026/11/21/06/' },
        idempotencyKey: '0d2e8a90-2c1b-4f4e-8f3c-6b1a9f0d7e21',
        keySource: 'event',
      },
    ]);
    const batch = parseEvent(sample('custom-batch.json'), undefined);
    expect(batch.batch).toBe(true);
    expect(batch.requests.map((r) => [r.idempotencyKey, r.keySource])).toEqual(
      batch.requests.map((r) => [
        derivedKey('a4b8c2d0-5e6f-4a1b-9c3d-2e7f8a9b0c1d', r.jobName, requestDigest(r), 0),
        'event',
      ]),
    );
  });

  describe('batch keys', () => {
    type Job = { jobName: string; idempotencyKey?: string; arguments?: Record<string, string> };
    const keyed = (jobs: Job[], key = 'K') =>
      parseEvent({ idempotencyKey: key, jobs }, undefined).requests.map((r) => `${r.jobName}=${r.idempotencyKey}`);

    it('depend neither on position nor on order: reordered, or with a job added, each request keeps its key', () => {
      const first = keyed([
        { jobName: 'a' },
        { jobName: 'b', arguments: { '--day': '1' } },
        { jobName: 'a', arguments: { '--day': '2' } },
      ]);
      expect(new Set(first).size).toBe(3);
      const reordered = keyed([
        { jobName: 'a', arguments: { '--day': '2' } },
        { jobName: 'a' },
        { jobName: 'b', arguments: { '--day': '1' } },
      ]);
      expect([...reordered].sort()).toEqual([...first].sort());
      const grown = keyed([
        { jobName: 'c' },
        { jobName: 'b', arguments: { '--day': '1' } },
        { jobName: 'a', arguments: { '--day': '2' } },
        { jobName: 'a' },
      ]);
      expect(grown.slice(1).sort()).toEqual([...first].sort());
    });

    it('number identical requests among themselves, which no reordering changes', () => {
      const twice = keyed([{ jobName: 'a' }, { jobName: 'b' }, { jobName: 'a' }]);
      expect(new Set(twice).size).toBe(3);
      expect([...keyed([{ jobName: 'a' }, { jobName: 'a' }, { jobName: 'b' }])].sort()).toEqual([...twice].sort());
    });

    it('never collide with another batch’s keys, nor with a key a caller gives (which holds no space)', () => {
      const ours = keyed([{ jobName: 'a' }], 'K');
      expect(keyed([{ jobName: 'a' }], 'K:a')).not.toEqual(ours);
      expect(ours[0]).toMatch(/^a=K [0-9a-f]{16}$/);
    });

    it('a request’s own key wins; the same own key twice in one batch is refused, naming it', () => {
      expect(keyed([{ jobName: 'a', idempotencyKey: 'own' }, { jobName: 'a' }])[0]).toBe('a=own');
      expect(
        invalid({
          jobs: [
            { jobName: 'a', idempotencyKey: 'x' },
            { jobName: 'b', idempotencyKey: 'x' },
          ],
        }),
      ).toBe(
        'Invalid launch request: the idempotency key "x" is given to more than one job of the batch; give each request its own key, or none (the batch\'s key is then derived per request).',
      );
    });
  });

  it('a timeout of 1 to 10079 minutes parses: Glue takes less than 7 days', () => {
    for (const timeout of [1, 480, 2880, 10_079]) {
      expect(parseEvent({ timeout }, 'nightly-etl').requests[0]?.timeout).toBe(timeout);
    }
  });

  it('a batch of 1 and of 100 parse', () => {
    expect(parseEvent({ jobs: [{}] }, 'nightly-etl').requests).toHaveLength(1);
    expect(parseEvent({ jobs: Array.from({ length: 100 }, () => ({})) }, 'nightly-etl').requests).toHaveLength(100);
  });
});

describe('bad input is InvalidRequest naming the field', () => {
  it.each([
    [{ jobNmae: 'x' }, /unknown field "jobNmae"/],
    [{ jobName: 'x', arguments: { 'run-date': '1' } }, /arguments\.run-date: argument keys must start with "--"/],
    [{ arguments: { '--a': 1 } }, /arguments\["--a"\]: argument values must be strings/],
    [{ timeout: '60' }, /timeout: must be a whole number of minutes/],
    [{ timeout: 1.5 }, /timeout: must be a whole number of minutes/],
    [{ timeout: 0 }, /timeout: must be at least 1 minute/],
    [{ timeout: 10_080 }, /timeout: must be at most 10079 minutes \(Glue refuses 7 days, 10080 minutes, or more\)/],
    [{ numberOfWorkers: 0 }, /numberOfWorkers/],
    [{ executionClass: 'CHEAP' }, /executionClass: expected "STANDARD" or "FLEX"/],
    [{ jobRunQueuingEnabled: 'yes' }, /jobRunQueuingEnabled: expected boolean, received string/],
    [{ workerType: '' }, /workerType: must be 1 to 64 characters/],
    [{ securityConfiguration: 'x'.repeat(256) }, /securityConfiguration: must be 1 to 255 characters/],
    [{ jobName: '' }, /jobName: must be a Glue job name/],
    [{ jobs: [] }, /jobs: a batch needs at least one job/],
    [{ jobs: Array.from({ length: 101 }, () => ({})) }, /jobs: a batch holds at most 100 jobs/],
    [{ jobs: [{}, { jobName: 'x', extra: 1 }] }, /jobs\[1\]: unknown field "extra"/],
    [{ jobs: [{ arguments: { x: 'y' } }] }, /jobs\[0\]\.arguments\.x: argument keys must start/],
    [JSON.parse('{"__proto__": {"polluted": true}}'), /unknown field "__proto__"/],
    [{ arguments: JSON.parse('{"__proto__": "x"}') }, /arguments\.__proto__: argument keys must start/],
    // What a script's argument parser would split or read otherwise: only "--" and [A-Za-z0-9_.-].
    [{ arguments: { '--TempDir=s3://elsewhere/': 'x' } }, /arguments\["--TempDir=s3:\/\/elsewhere\/"\]: argument keys/],
    [{ arguments: { '--day x': '1' } }, /argument keys must start with "--" and hold only letters, digits/],
    [{ arguments: { '--day\u0000': '1' } }, /argument keys must start/],
    [{ arguments: { '--dáy': '1' } }, /argument keys must start/],
    [{ arguments: { '--"day"': '1' } }, /argument keys must start/],
    [{ arguments: { '---day': '1' } }, /argument keys must start/],
    [{ arguments: { [`--${'d'.repeat(255)}`]: '1' } }, /at most 256 characters/],
  ])('%j', (event, message) => {
    expect(invalid(event)).toMatch(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    [[], /must be a JSON object, not an array/],
    [null, /not null/],
    ['{}', /not a string/],
    [42, /not a number/],
  ])('the event %j', (event, message) => {
    expect(invalid(event)).toMatch(message);
  });

  it('an EventBridge event with a bad detail names the detail field', () => {
    const event = { ...(sample('custom-request.json') as object), detail: { jobName: 'x', timeout: -1 } };
    expect(invalid(event)).toMatch(/detail\.timeout/);
  });

  it('a Scheduler detail that is not JSON', () => {
    const event = { ...(sample('scheduler.json') as object), detail: 'not json' };
    expect(invalid(event)).toMatch(/^Invalid launch request: detail/);
  });

  it('an EventBridge envelope whose time is not a date and time', () => {
    const event = { ...(sample('scheduled-rule.json') as object), time: 'yesterday' };
    expect(invalid(event)).toBe('Invalid launch request: time: expected an ISO 8601 date and time.');
  });

  it('a field beside an EventBridge envelope’s own', () => {
    const event = { ...(sample('scheduled-rule.json') as object), jobName: 'payroll' };
    expect(invalid(event)).toBe(
      'Invalid launch request: unknown field "jobName"; the fields read here are version, id, detail-type, source, account, time, region, resources, detail, replay-name.',
    );
  });

  it('Glue API casing gets the launcher’s names, and the fields it reads', () => {
    expect(invalid({ JobName: 'nightly-etl', Arguments: {} })).toBe(
      'Invalid launch request: unknown fields "JobName" (did you mean "jobName"?), "Arguments" (did you mean "arguments"?); the fields read here are jobName, arguments, timeout, workerType, numberOfWorkers, executionClass, securityConfiguration, jobRunQueuingEnabled, idempotencyKey.',
    );
    expect(invalid({ jobs: [{ NumberOfWorkers: 2 }] })).toMatch(
      /jobs\[0\]: unknown field "NumberOfWorkers" \(did you mean "numberOfWorkers"\?\)/,
    );
  });

  it.each([
    ['with spaces', 'a b'],
    ['of 5,000 characters', 'x'.repeat(5000)],
    ['empty', ''],
  ])('an EventBridge event id %s, which could not serve as an idempotency key', (_how, id) => {
    const event = { ...(sample('scheduled-rule.json') as object), id };
    expect(invalid(event)).toBe(
      'Invalid launch request: id: must be 1 to 256 printable ASCII characters without spaces, not starting with "-".',
    );
  });

  it('a truncated EventBridge envelope', () => {
    const { account: _, ...event } = sample('scheduled-rule.json') as Record<string, unknown>;
    expect(invalid(event)).toMatch(/account/);
  });

  it('no job name and no GLUE_JOB_NAME', () => {
    expect(invalid({}, null)).toMatch(
      /jobName is missing and GLUE_JOB_NAME \(template parameter GlueJobName\) is not set/,
    );
    expect(invalid({ jobs: [{ jobName: 'a' }, {}] }, null)).toMatch(/jobs\[1\]\.jobName is missing/);
  });
});

describe('values are data: a script’s argument parser never reads one as an option (T4-M1)', () => {
  it.each([
    [
      { arguments: { '--note': '--TempDir=s3://elsewhere/' } },
      /arguments\["--note"\]: an argument value may not hold a control character, nor start with "-"/,
    ],
    [
      { arguments: { '--note': '--help' } },
      /arguments\["--note"\]: an argument value may not .* start with "-" \(a Glue script's argument parser would read it as an option; a negative number is read as a value\)/,
    ],
    [{ arguments: { '--note': '-x' } }, /start with "-"/],
    [{ arguments: { '--note': '-1e5' } }, /start with "-"/],
    [{ arguments: { '--note': 'a\u0000b' } }, /control character/],
    [{ arguments: { '--note': 'line\nbreak' } }, /control character/],
    [{ arguments: { '--note': 'x\u0085' } }, /control character/],
    [
      { idempotencyKey: '--help' },
      /idempotencyKey: must be 1 to 256 printable ASCII characters without spaces, not starting with "-"/,
    ],
    [{ jobs: [{}], idempotencyKey: '-k' }, /idempotencyKey: .*not starting with "-"/],
    [{ workerType: '--G.1X' }, /workerType: .*start with "-"/],
    [{ securityConfiguration: '-x' }, /securityConfiguration: .*start with "-"/],
  ])('%j is refused', (event, message) => {
    expect(invalid(event)).toMatch(message);
  });

  it('a negative number is a value to argparse, and stays one; so is a dash inside a value', () => {
    for (const value of ['-1', '-0.5', '-.5', '-42', 'a-b', 'x --y', '']) {
      const [request] = parseEvent({ arguments: { '--offset': value } }, 'nightly-etl').requests;
      expect(request?.arguments?.['--offset']).toBe(value);
    }
  });

  it('a pip-facing value is left to its own grammar, where the argument policy lets a request set it', () => {
    const [request] = parseEvent(
      { arguments: { '--python-modules-installer-option': '--prefer-binary', '--additional-python-modules': 'acme' } },
      'nightly-etl',
    ).requests;
    expect(request?.arguments?.['--python-modules-installer-option']).toBe('--prefer-binary');
  });
});

describe('bounds, before anything else is read', () => {
  it('at most 100 arguments in one request', () => {
    const args = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`--a${i}`, 'v']));
    expect(parseEvent({ arguments: args(100) }, 'nightly-etl').requests).toHaveLength(1);
    expect(invalid({ arguments: args(101) })).toMatch(
      /^Invalid launch request: arguments: a request sets at most 100 arguments\.$/,
    );
  });

  it('an event over 256 KB is refused at once, whatever it holds; one just under is read', () => {
    expect(invalid({ jobName: 'x', arguments: { '--a': 'v'.repeat(256 * 1024) } })).toMatch(
      /^Invalid launch request: the event holds more than 256 KB/,
    );
    expect(invalid(Object.fromEntries(Array.from({ length: 400_000 }, (_, i) => [`k${i}`, 1])))).toMatch(
      /more than 256 KB/,
    );
    expect(invalid({ jobs: Array.from({ length: 30_000 }, () => ({ arguments: { '--a': 'v'.repeat(8) } })) })).toMatch(
      /more than 256 KB/,
    );
    expect(parseEvent({ jobName: 'x', arguments: { '--a': 'v'.repeat(200 * 1024) } }, undefined).requests).toHaveLength(
      1,
    );
  });

  it('finds an event too large without serialising it', () => {
    expect(largerThan({ a: 'x'.repeat(10) }, 100)).toBe(false);
    expect(largerThan({ a: 'x'.repeat(100) }, 100)).toBe(true);
    expect(largerThan([[[['x'.repeat(50)]]], 'y'.repeat(50)], 100)).toBe(true);
    // Stops early: an array of ten million entries is judged by its length, none of its elements visited.
    const untouchable = new Proxy([] as unknown[], {
      get: (target, property) => {
        if (property === 'length') return 10_000_000;
        if (typeof property === 'string' && /^\d+$/.test(property)) throw new Error(`element ${property} visited`);
        return Reflect.get(target, property);
      },
    });
    expect(largerThan({ jobs: untouchable }, 256 * 1024)).toBe(true);
  });
});

describe('a Glue job name', () => {
  const CONTROLS = ['\u0000', '\u001f', '\u007f', '\u0085', '\u009f'];

  it('is refused with any control character, in an event and in the configuration', () => {
    for (const control of CONTROLS) {
      expect(invalid({ jobName: `nightly${control}etl` })).toMatch(/jobName.*control characters/);
      expect(loadConfigState({ ...CONFIG, GLUE_JOB_NAME: `nightly${control}etl` }).ok).toBe(false);
      expect(loadConfigState({ ...CONFIG, ALLOWED_JOB_NAMES: `a,nightly${control}etl` }).ok).toBe(false);
    }
  });

  it('may hold any other character, up to 255 of them, counted as characters, not UTF-16 units', () => {
    const name = `nightly\u00a0etl-\u{1f600}`;
    expect(parseEvent({ jobName: name }, undefined).requests[0]?.jobName).toBe(name);
    expect(loadConfigState({ ...CONFIG, GLUE_JOB_NAME: name, ALLOWED_JOB_NAMES: name }).ok).toBe(true);
    expect(GLUE_JOB_NAME.test('\u{1f600}'.repeat(255))).toBe(true);
    expect(GLUE_JOB_NAME.test('a'.repeat(256))).toBe(false);
  });

  it('spells out exactly the code points of Unicode’s Cc, which never change', () => {
    const cc = /^\p{Cc}$/u;
    const differing: string[] = [];
    for (let code = 0; code <= 0x10ffff; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCodePoint(code);
      if (GLUE_JOB_NAME.test(char) === cc.test(char)) differing.push(code.toString(16));
    }
    expect(differing).toEqual([]);
  });
});
