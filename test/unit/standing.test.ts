import {
  REQUIREMENTS_BUCKET,
  SOURCE_TEXT,
  STANDING_PREFIX,
  sourceUri,
  standingJob,
  standingUri,
} from '../../local/tools/fixtures';
import { loadRefresherConfig } from '../../src/input/config';
import { parseRefreshEvent } from '../../src/input/events';
import {
  checkStandingJob,
  metadataOf,
  readMetadata,
  readSource,
  sourceDigest,
  standingObject,
  standingText,
} from '../../src/pip/standing-file';
import { type RefreshDeps, refresh } from '../../src/standing/refresh';
import { cachedEndpoint } from '../../src/token/access';
import {
  ENCODED_TOKEN,
  FakeGlue,
  FakeRepository,
  FakeStore,
  failure,
  gate,
  glueJobOf,
  INDEX,
  RecordingLogger,
  rejectionOf,
  TOKEN,
} from '../helpers/fakes';

const LOCATION = { bucket: REQUIREMENTS_BUCKET, prefix: STANDING_PREFIX };
const JOBS = ['orders-etl', 'billing-etl', 'audit-etl'];
const job = (name: string, overrides = {}) => glueJobOf(standingJob(name, overrides));
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

class CountingMetrics {
  readonly counts = { tokenSeconds: 0, refreshed: 0, failed: [] as string[], left: undefined as number | undefined };
  tokenRequested(seconds: number) {
    this.counts.tokenSeconds += seconds;
  }
  standingRefreshed(count: number) {
    this.counts.refreshed += count;
  }
  standingFailed(errorName: string) {
    this.counts.failed.push(errorName);
  }
  standingTokenLeft(seconds: number) {
    this.counts.left = seconds;
  }
}

/** A refresher over fakes: every job of JOBS set up for its standing file, every source there. */
const testRefresher = (jobs = JOBS.map((name) => job(name))) => {
  const glue = new FakeGlue(jobs);
  const repository = new FakeRepository();
  const store = new FakeStore();
  for (const name of JOBS) store.objects.set(sourceUri(name), SOURCE_TEXT);
  const logger = new RecordingLogger();
  const metrics = new CountingMetrics();
  const deps: RefreshDeps = {
    jobs: glue,
    repository,
    endpoint: cachedEndpoint(repository),
    files: store,
    config: {
      domain: 'data-platform',
      repository: 'private-pypi',
      pipIndexOption: 'index-url',
      standing: { jobNames: new Set(JOBS), location: LOCATION },
    },
    parallel: 2,
    logger,
    metrics,
    clock: Date.now,
  };
  return { glue, repository, store, logger, metrics, deps, run: (names = JOBS) => refresh(names, deps) };
};

describe('a standing job is set up once, and drift is reported with the DefaultArguments that fix it', () => {
  it('a Glue 5 Spark job pointing at its standing file with exactly -r gives its file and its source', () => {
    expect(checkStandingJob(job('orders-etl'), LOCATION)).toEqual({
      file: {
        bucket: REQUIREMENTS_BUCKET,
        key: `${STANDING_PREFIX}orders-etl/requirements.txt`,
        uri: standingUri('orders-etl'),
      },
      source: sourceUri('orders-etl'),
    });
  });

  it('a job name that is not a plain key segment gets the same slug and hash as per-launch files', () => {
    expect(standingObject(LOCATION, 'team a/etl').key).toMatch(
      new RegExp(`^${STANDING_PREFIX}team-a-etl-[0-9a-f]{12}/requirements\\.txt$`),
    );
    expect(standingObject(LOCATION, '..').key).not.toContain('/../');
  });

  const fix = `set its DefaultArguments to --additional-python-modules=${standingUri('orders-etl')}, --python-modules-installer-option=-r and --launcher-requirements=`;
  it.each([
    [
      'its modules point elsewhere',
      { '--additional-python-modules': 'pandas==2.2.0' },
      'InstallerOptionConflict',
      `its --additional-python-modules is "pandas==2.2.0", not its standing file; ${fix}${sourceUri('orders-etl')}`,
    ],
    [
      'its installer option is more than -r',
      { '--python-modules-installer-option': '--prefer-binary -r' },
      'InstallerOptionConflict',
      'not exactly -r',
    ],
    ['it names no source', { '--launcher-requirements': undefined }, 'InstallerOptionConflict', 'is not set; '],
    [
      'its source is not an s3 URI',
      { '--launcher-requirements': 'requirements.txt' },
      'InstallerOptionConflict',
      `is "requirements.txt"; ${fix}s3://<bucket>/<key of your requirements.txt>`,
    ],
    [
      'its installer option is -r with a space before it (one argument to pip, read as one)',
      { '--python-modules-installer-option': ' -r' },
      'InstallerOptionConflict',
      'is " -r", not exactly -r',
    ],
    [
      'its modules value is its file with a space after it',
      { '--additional-python-modules': `${standingUri('orders-etl')} ` },
      'InstallerOptionConflict',
      'not its standing file',
    ],
    [
      'its modules value is 120 characters: shown whole',
      { '--additional-python-modules': 'b'.repeat(120) },
      'InstallerOptionConflict',
      `is "${'b'.repeat(120)}", not its standing file`,
    ],
    [
      'its modules value is long: shown cut at 120 characters',
      { '--additional-python-modules': 'a'.repeat(200) },
      'InstallerOptionConflict',
      `is "${'a'.repeat(120)}...", not its standing file`,
    ],
    [
      'its source is its standing file',
      { '--launcher-requirements': standingUri('orders-etl') },
      'InstallerOptionConflict',
      'names its standing file itself',
    ],
  ])('%s: %s', (_, change, name, message) => {
    const defaults = { ...standingJob('orders-etl').DefaultArguments, ...change } as Record<string, string>;
    for (const key of Object.keys(defaults)) if (defaults[key] === undefined) delete defaults[key];
    const error = (() => {
      try {
        checkStandingJob({ ...job('orders-etl'), defaultArguments: defaults }, LOCATION);
      } catch (thrown) {
        return thrown as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.name).toBe(name);
    expect(error.message).toContain(message);
  });

  it.each([
    ['a Glue 4.0 job', { GlueVersion: '4.0' }, 'UnsupportedJobType', 'move it to Glue 5.0 or later'],
    ['a job without a GlueVersion', { GlueVersion: undefined }, 'UnsupportedJobType', 'it runs Glue (unset), and only'],
    [
      'a Python shell job',
      { Command: { Name: 'pythonshell', PythonVersion: '3.9', ScriptLocation: 's3://x/y.py' } },
      'UnsupportedJobType',
      'reads no requirements file from S3',
    ],
    [
      'an installer option in NonOverridableArguments',
      { NonOverridableArguments: { '--python-modules-installer-option': '-r' } },
      'InstallerOptionConflict',
      'move it to DefaultArguments, which must hold --additional-python-modules=',
    ],
  ])('%s is refused by name', (_, overrides, name, message) => {
    expect(() => checkStandingJob(job('orders-etl', overrides), LOCATION)).toThrow(
      expect.objectContaining({ name, message: expect.stringContaining(message) }),
    );
  });
});

describe('a standing file is the launcher’s text, and its metadata says what it holds', () => {
  const index = { option: 'index-url' as const, url: INDEX, expiresAt: new Date('2026-12-08T08:00:00Z') };

  it('the index line, then the source’s requirements; no comment of the source, its digest in the metadata', () => {
    const source = readSource(
      { jobName: 'orders-etl', source: sourceUri('orders-etl') },
      { ok: true, value: { bytes: bytes(SOURCE_TEXT) } },
    );
    const written = standingText(source, index);
    expect(written.body).toBe(`--index-url ${INDEX}\nacme-pipelines==1.4.0\n`);
    const metadata = { tokenExpiresAt: index.expiresAt, sourceDigest: sourceDigest(bytes(SOURCE_TEXT)) };
    expect(written.metadata).toEqual(metadataOf(metadata));
    expect(written.metadata).toEqual({
      'token-expires-at': '2026-12-08T08:00:00.000Z',
      'source-sha256': sourceDigest(bytes(SOURCE_TEXT)),
    });
    expect(readMetadata(written.metadata)).toEqual(metadata);
  });

  it('a source pip would read another way is refused with its line', () => {
    const source = { jobName: 'orders-etl', source: sourceUri('orders-etl') };
    const given = (value: { bytes: Uint8Array } | { tooLarge: true }) => ({ ok: true as const, value });
    expect(() => readSource(source, given({ bytes: bytes('# -*- coding: utf-7 -*-\nacme\n') }))).toThrow(
      expect.objectContaining({
        name: 'InstallerOptionConflict',
        message: expect.stringContaining('line 1 of its requirements file'),
      }),
    );
    expect(() => readSource(source, given({ tooLarge: true }))).toThrow(
      expect.objectContaining({
        name: 'InstallerOptionConflict',
        message: expect.stringContaining('larger than 1024 KiB'),
      }),
    );
  });

  it.each([
    [{}],
    [{ 'token-expires-at': 'soon', 'source-sha256': 'a'.repeat(64) }],
    [{ 'token-expires-at': '2026-12-08T08:00:00.000Z', 'source-sha256': 'etag' }],
    [{ 'token-expires-at': '2026-12-08T08:00:00.000Z' }],
    [{ 'token-expires-at': '2026-12-08T08:00:00.000Z', 'source-sha256': `${'a'.repeat(64)}0` }],
    [{ 'token-expires-at': '2026-12-08T08:00:00.000Z', 'source-sha256': `0${'a'.repeat(64)}` }],
  ])('metadata not of the launcher’s is read as none: %j', (stored) => {
    expect(readMetadata(stored)).toBeUndefined();
  });
});

describe('a refresh writes every standing file with one token', () => {
  it('one 12-hour token, then each job’s file, its expiry in the metadata; no run started, no job changed', async () => {
    const { run, repository, store, glue, metrics } = testRefresher();
    const result = await run();
    expect(repository.durations).toEqual([43_200]);
    expect(result.failed).toEqual([]);
    expect(result.refreshed.map((file) => file.jobName)).toEqual(JOBS);
    for (const file of result.refreshed) {
      expect(file.requirementsFile).toBe(standingUri(file.jobName));
      expect(store.objects.get(file.requirementsFile)).toBe(`--index-url ${INDEX}\nacme-pipelines==1.4.0\n`);
      const metadata = readMetadata(store.userMetadata.get(file.requirementsFile) ?? {});
      expect(metadata?.tokenExpiresAt.toISOString()).toBe(file.tokenExpiresAt);
    }
    expect(glue.calls.map((call) => call.operation).sort()).toEqual(['GetJob', 'GetJob', 'GetJob']);
    expect(metrics.counts).toMatchObject({ refreshed: 3, failed: [], tokenSeconds: 43_200 });
    expect(metrics.counts.left).toBeGreaterThan(43_200 - 60);
  });

  it('says each refresh in the log, and counts the token’s seconds left from the refresher’s clock', async () => {
    const now = Date.parse('2026-12-07T20:00:00Z');
    const { run, repository, deps, logger, metrics } = testRefresher();
    (deps as { clock: () => number }).clock = () => now;
    repository.token = { token: TOKEN, expiresAt: new Date(now + 43_200_000) };
    await run(['orders-etl']);
    expect(metrics.counts.left).toBe(43_200);
    expect(logger.records.filter((r) => r.level !== 'debug')).toEqual([
      {
        level: 'info',
        message: 'Standing file refreshed',
        attributes: {
          jobName: 'orders-etl',
          requirementsFile: standingUri('orders-etl'),
          tokenExpiresAt: new Date(now + 43_200_000).toISOString(),
        },
      },
    ]);
  });

  it('no file written, no seconds left counted: every job failed, or no token', async () => {
    const failing = testRefresher();
    failing.glue.jobs.clear();
    await rejectionOf(failing.run());
    expect(failing.metrics.counts.left).toBeUndefined();
    expect(failing.logger.records.filter((r) => r.level === 'error').map((r) => r.message)).toEqual(
      JOBS.map(() => 'Standing file not refreshed'),
    );
    const tokenless = testRefresher();
    tokenless.repository.failNext('GetAuthorizationToken', failure('GetAuthorizationToken', 'denied'));
    await rejectionOf(tokenless.run());
    expect(tokenless.metrics.counts.left).toBeUndefined();
  });

  it('a source pip would read another way is refused naming the job and the source, and a bug is still named', async () => {
    const { run, store, glue } = testRefresher();
    store.objects.set(sourceUri('orders-etl'), '# -*- coding: utf-7 -*-\nacme\n');
    const refused = await rejectionOf(run(['orders-etl']));
    expect(refused.message).toContain(
      `InstallerOptionConflict: The standing file of job orders-etl was not refreshed: line 1 of its requirements file ${sourceUri('orders-etl')} is refused`,
    );
    // An adapter that broke its port (no DefaultArguments at all): the refresh says so, by its own name.
    glue.jobs.set('billing-etl', { ...job('billing-etl'), defaultArguments: null as never });
    const broken = await rejectionOf(run(['billing-etl']));
    expect(broken.message).toMatch(
      /StandingRefreshFailed: The standing file of job billing-etl was not refreshed: it failed unexpectedly: TypeError: /,
    );
  });

  it('at most `parallel` jobs at a time', async () => {
    const { run, store, deps } = testRefresher();
    const hold = gate();
    for (const name of JOBS) store.holdNext('GetObject', hold.promise, (uri) => uri === sourceUri(name));
    const running = run();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.callsOf('GetObject')).toHaveLength(deps.parallel);
    hold.open();
    await running;
    expect(store.peakInFlight('GetObject')).toBe(deps.parallel);
  });

  it('one job’s failure stops no other; the invocation fails naming each, and nothing says the token', async () => {
    const { run, store, glue, logger, metrics } = testRefresher();
    glue.jobs.set('billing-etl', job('billing-etl', { GlueVersion: '4.0' }));
    store.objects.delete(sourceUri('audit-etl'));
    const error = await rejectionOf(run());
    expect(error.name).toBe('StandingRefreshFailed');
    expect(error.message).toBe(
      `2 of 3 standing files were not refreshed: UnsupportedJobType: The standing file of job billing-etl was not refreshed: it runs Glue 4.0, and only Glue 5.0 and later read a requirements file from S3; move it to Glue 5.0 or later, or serve it through the launcher and remove it from STANDING_JOB_NAMES (template parameter StandingJobNames); TokenUnavailable: The standing file of job audit-etl was not refreshed: its own requirements file ${sourceUri('audit-etl')} is missing or not readable (AccessDenied: Access Denied); check that it exists and that the launcher may read its bucket (JobRequirementsBuckets). Refreshed: orders-etl.`,
    );
    expect(store.objects.has(standingUri('orders-etl'))).toBe(true);
    expect(store.objects.has(standingUri('billing-etl'))).toBe(false);
    expect(metrics.counts).toMatchObject({ refreshed: 1, failed: ['UnsupportedJobType', 'TokenUnavailable'] });
    const said = JSON.stringify(logger.records) + error.message + error.stack;
    expect(said).not.toContain(TOKEN);
    expect(said).not.toContain(ENCODED_TOKEN);
    expect(
      logger.records.filter((record) => record.level === 'error').map((record) => record.attributes.jobName),
    ).toEqual(['billing-etl', 'audit-etl']);
  });

  it.each([
    ['GetJob not found', 'JobNotFound', 'Glue has no such job'],
    ['GetJob throttled', 'StandingRefreshFailed', 'GetJob failed with throttled from GetJob'],
    ['PutObject denied', 'TokenUnavailable', `the requirements file ${standingUri('orders-etl')} could not be written`],
  ])('%s: %s', async (what, name, message) => {
    const { run, glue, store } = testRefresher();
    if (what === 'GetJob not found') glue.jobs.delete('orders-etl');
    if (what === 'GetJob throttled')
      glue.failNext('GetJob', failure('GetJob', 'throttled'), 1, (n) => n === 'orders-etl');
    if (what === 'PutObject denied') store.failNext('PutObject', failure('PutObject', 'denied'));
    const error = await rejectionOf(run(['orders-etl']));
    expect(error.name).toBe('StandingRefreshFailed');
    expect(error.message).toContain(`${name}: The standing file of job orders-etl was not refreshed: ${message}`);
  });

  it('without a token no file is written, and every job says why', async () => {
    const { run, repository, store, glue } = testRefresher();
    repository.failNext(
      'GetAuthorizationToken',
      failure('GetAuthorizationToken', 'denied', 'AccessDeniedException: no'),
    );
    const error = await rejectionOf(run());
    expect(error.message).toMatch(
      /^3 of 3 standing files were not refreshed: TokenUnavailable: .*CodeArtifact gave no token for domain data-platform: AccessDeniedException: no/,
    );
    expect(store.callsOf('PutObject')).toEqual([]);
    expect(glue.calls).toEqual([]);
  });

  it('a token that ends within 14 minutes is not written anywhere', async () => {
    const { run, repository, store } = testRefresher();
    repository.token = { token: TOKEN, expiresAt: new Date(Date.now() + 5 * 60 * 1000) };
    const error = await rejectionOf(run(['orders-etl']));
    expect(error.message).toContain('less than 14 minutes from now');
    expect(store.callsOf('PutObject')).toEqual([]);
  });
});

describe('the refresher’s event and configuration', () => {
  const standing = new Set(JOBS);
  it('{} is every standing job, in their order; jobNames the ones named, all of them at most', () => {
    expect(parseRefreshEvent({}, standing)).toEqual(JOBS);
    expect(parseRefreshEvent({ jobNames: ['audit-etl'] }, standing)).toEqual(['audit-etl']);
    expect(parseRefreshEvent({ jobNames: [...JOBS].reverse() }, standing)).toEqual([...JOBS].reverse());
  });

  it.each([
    [[], 'the event must be {} or {"jobNames": [...]}'],
    [null, 'the event must be {} or {"jobNames": [...]}'],
    [{ jobName: 'orders-etl' }, 'unknown field "jobName"'],
    [{ jobNames: [] }, 'jobNames must be a list of 1 to 3 standing job names'],
    [{ jobNames: 'orders-etl' }, 'jobNames must be a list'],
    [{ jobNames: 'x' }, 'jobNames must be a list'],
    [{ jobNames: [5] }, 'jobNames holds an empty or non-string name'],
    [{ jobNames: ['j'.repeat(300)] }, `job "${'j'.repeat(255)}" is not in STANDING_JOB_NAMES`],
    [{ ['f'.repeat(100)]: 1 }, `unknown field "${'f'.repeat(64)}"; the event is`],
    [{ jobName: 'a', force: true }, 'unknown field "jobName", "force"; the event is'],
    [{ jobNames: [...JOBS, 'orders-etl'] }, 'jobNames must be a list of 1 to 3 standing job names'],
    [{ jobNames: [''] }, 'jobNames holds an empty or non-string name'],
    [
      { jobNames: ['nightly-etl'] },
      'job "nightly-etl" is not in STANDING_JOB_NAMES (template parameter StandingJobNames)',
    ],
    [{ jobNames: ['orders-etl', 'orders-etl'] }, 'jobNames lists orders-etl twice'],
  ])('%j is InvalidRequest: %s', (event, message) => {
    expect(() => parseRefreshEvent(event, standing)).toThrow(
      expect.objectContaining({ name: 'InvalidRequest', message: expect.stringContaining(message) }),
    );
  });

  const env = {
    AWS_REGION: 'eu-west-1',
    CODEARTIFACT_DOMAIN: 'data-platform',
    CODEARTIFACT_REPOSITORY: 'private-pypi',
    REQUIREMENTS_BUCKET,
    STANDING_JOB_NAMES: JOBS.join(', '),
  };
  it('reads the standing jobs and where their files go, with the default prefix', () => {
    expect(loadRefresherConfig(env).standing).toEqual({
      jobNames: new Set(JOBS),
      location: { bucket: REQUIREMENTS_BUCKET, prefix: 'glue-launcher-standing/' },
    });
  });

  it.each([
    [{ STANDING_JOB_NAMES: undefined }, 'STANDING_JOB_NAMES (template parameter StandingJobNames) is not set'],
    [{ STANDING_JOB_NAMES: 'etl-*' }, 'STANDING_JOB_NAMES="etl-*" (template parameter StandingJobNames) is not valid'],
    [
      { REQUIREMENTS_BUCKET: undefined },
      'STANDING_JOB_NAMES (template parameter StandingJobNames) is set, but REQUIREMENTS_BUCKET is not',
    ],
    [{ STANDING_PREFIX: 'standing' }, 'STANDING_PREFIX="standing" (set by the template) is not valid'],
    [{ STANDING_PREFIX: 'glue-launcher/standing/' }, 'overlap'],
  ])('%j is a ConfigError: %s', (change, message) => {
    expect(() => loadRefresherConfig({ ...env, ...change })).toThrow(
      expect.objectContaining({ name: 'ConfigError', message: expect.stringContaining(message) }),
    );
  });
});
