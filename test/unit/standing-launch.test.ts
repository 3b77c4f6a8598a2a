import {
  REQUIREMENTS_BUCKET,
  SOURCE_TEXT,
  STANDING_PREFIX,
  sourceUri,
  standingJob,
  standingUri,
} from '../../local/tools/fixtures';
import { DELIVERY_ARGUMENT, TOKEN_EXPIRY_ARGUMENT } from '../../src/idempotency/record';
import { metadataOf, readMetadata, sourceDigest } from '../../src/pip/standing-file';
import {
  ENCODED_TOKEN,
  failure,
  gate,
  glueJobOf,
  INDEX,
  JOB_NAMES,
  rejectionOf,
  single,
  sparkJob,
  TOKEN,
  testLauncher,
} from '../helpers/fakes';
import { leakIn } from '../helpers/secrets';

// A launch of a standing job (docs/standing-files.md): the run reads the standing file its DefaultArguments name;
// the launcher rewrites it first only when its token would not outlive the run or its source changed.

const JOB = 'orders-etl';
const location = { bucket: REQUIREMENTS_BUCKET, prefix: STANDING_PREFIX };
const FILE = standingUri(JOB);
const sourceBytes = new Uint8Array(Buffer.from(SOURCE_TEXT));

const launcher = (config: Parameters<typeof testLauncher>[0] = {}) => {
  const l = testLauncher({ allowlist: { any: true }, standing: { jobNames: new Set([JOB]), location }, ...config }, [
    ...JOB_NAMES.map((name) => sparkJob(name)),
    glueJobOf(standingJob(JOB)),
  ]);
  l.store.objects.set(sourceUri(JOB), SOURCE_TEXT);
  return l;
};

/** A standing file as the refresher leaves it: its token expiring `inMinutes` from now, from this source. */
const standingFileFor = (l: ReturnType<typeof launcher>, inMinutes: number, digest = sourceDigest(sourceBytes)) => {
  const tokenExpiresAt = new Date(Date.now() + inMinutes * 60_000);
  l.store.objects.set(FILE, '--index-url https://aws:OLD@host/simple/\nacme-pipelines==1.4.0\n');
  l.store.userMetadata.set(FILE, metadataOf({ tokenExpiresAt, sourceDigest: digest }));
  return tokenExpiresAt;
};

describe('a standing job launched through the launcher', () => {
  it('with a fresh standing file: started with its own arguments, no token in them, the file untouched', async () => {
    const l = launcher();
    const expires = standingFileFor(l, 11 * 60);
    const result = await l.launch(single({ jobName: JOB, arguments: { '--run-date': '2026-12-07' } }));
    expect(result).toMatchObject({
      jobName: JOB,
      tokenDelivery: 'standing-file',
      tokenExpiresAt: expires.toISOString(),
    });
    const [start] = l.glue.starts;
    expect(start?.arguments).toMatchObject({
      ...standingJob(JOB).DefaultArguments,
      '--run-date': '2026-12-07',
      [DELIVERY_ARGUMENT]: 'standing-file',
      [TOKEN_EXPIRY_ARGUMENT]: expires.toISOString(),
    });
    expect(leakIn(JSON.stringify(start), TOKEN)).toBeUndefined();
    expect(l.logger.records.find((r) => r.message === 'Job run started')?.attributes).toMatchObject({
      tokenDelivery: 'standing-file',
      requirementsFile: FILE,
    });
    expect(l.store.callsOf('PutObject')).toEqual([]);
    expect(l.store.callsOf('HeadObject')).toEqual([FILE]);
  });

  it('with a fresh standing file, CodeArtifact failing does not stop it', async () => {
    const l = launcher();
    standingFileFor(l, 11 * 60);
    l.repository.failNext('GetAuthorizationToken', failure('GetAuthorizationToken', 'server-error'), 2);
    await expect(l.launch(single({ jobName: JOB }))).resolves.toMatchObject({ tokenDelivery: 'standing-file' });
  });

  it.each([
    [
      'no standing file yet',
      (_l: ReturnType<typeof launcher>) => undefined,
      'it has no standing file of the launcher yet',
    ],
    [
      'a token that ends before the run could',
      (l: ReturnType<typeof launcher>) => standingFileFor(l, 30),
      'would expire',
    ],
    [
      'a source changed since',
      (l: ReturnType<typeof launcher>) => standingFileFor(l, 11 * 60, 'f'.repeat(64)),
      'source changed',
    ],
  ])('with %s: the file is rewritten with a 12-hour token first, then the run starts', async (_, given, why) => {
    const l = launcher();
    given(l);
    // A run of 30 minutes: its own need is 45 minutes, but the file serves every run until the next refresh.
    const result = await l.launch(single({ jobName: JOB, timeout: 30 }));
    expect(l.repository.durations).toEqual([43_200]);
    expect(l.store.objects.get(FILE)).toBe(`--index-url ${INDEX}\nacme-pipelines==1.4.0\n`);
    const metadata = readMetadata(l.store.userMetadata.get(FILE) ?? {});
    expect(metadata?.sourceDigest).toBe(sourceDigest(sourceBytes));
    expect(result).toMatchObject({
      tokenDelivery: 'standing-file',
      tokenExpiresAt: metadata?.tokenExpiresAt.toISOString(),
    });
    expect(l.logger.records.find((r) => r.message === 'Standing file rewritten before the run')?.attributes).toEqual({
      jobName: JOB,
      requirementsFile: FILE,
      why: expect.stringContaining(why),
    });
    // The run's arguments, the logs and the result hold no token in any spelling.
    const said = JSON.stringify([l.glue.starts, l.logger.records, result]);
    expect(said).not.toContain(ENCODED_TOKEN);
    expect(leakIn(said, TOKEN)).toBeUndefined();
  });

  it('the run starts only once its standing file is written; a failed write starts nothing', async () => {
    const l = launcher();
    const written = gate();
    l.store.holdNext('PutObject', written.promise);
    const launching = l.launch(single({ jobName: JOB }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(l.store.callsOf('PutObject')).toHaveLength(1);
    expect(l.glue.starts).toEqual([]);
    written.open();
    await launching;
    expect(l.glue.starts).toHaveLength(1);
    l.store.objects.delete(FILE);
    l.store.failNext('PutObject', failure('PutObject', 'denied', 'AccessDenied: Access Denied'));
    const error = await rejectionOf(l.launch(single({ jobName: JOB })));
    expect(error).toMatchObject({
      name: 'TokenUnavailable',
      message: expect.stringContaining(`the requirements file ${FILE} could not be written`),
    });
    expect(l.glue.starts).toHaveLength(1);
  });

  it('a stale file and no token: TokenUnavailable, nothing started', async () => {
    const l = launcher();
    standingFileFor(l, 30);
    l.repository.failNext('GetAuthorizationToken', failure('GetAuthorizationToken', 'denied', 'AccessDenied: no'), 2);
    const error = await rejectionOf(l.launch(single({ jobName: JOB })));
    expect(error).toMatchObject({ name: 'TokenUnavailable' });
    expect(l.glue.starts).toEqual([]);
  });

  it.each([
    [
      { '--additional-python-modules': 'pandas' },
      'argument --additional-python-modules is not allowed, because the job installs from its standing file',
    ],
    [{ '--python-modules-installer-option': '-r' }, 'argument --python-modules-installer-option is not allowed'],
    [{ '--launcher-requirements': 's3://evil/req.txt' }, 'names what a standing file is written from'],
  ])('a request may not move it off its standing file: %j', async (args, message) => {
    const l = launcher({ argumentPolicy: { mode: 'any' } });
    const error = await rejectionOf(l.launch(single({ jobName: JOB, arguments: args })));
    expect(error).toMatchObject({ name: 'ArgumentNotAllowed', message: expect.stringContaining(message) });
    expect(l.glue.starts).toEqual([]);
    expect(l.store.callsOf('PutObject')).toEqual([]);
  });

  it('--launcher-requirements is refused for every job, under every policy', async () => {
    const l = launcher({ argumentPolicy: { mode: 'any' } });
    const error = await rejectionOf(
      l.launch(single({ jobName: 'nightly-etl', arguments: { '--Launcher-Requirements': 's3://evil/req.txt' } })),
    );
    expect(error).toMatchObject({ name: 'ArgumentNotAllowed' });
  });

  it('drift and an unreadable source are named, nothing started or written', async () => {
    const l = launcher();
    l.glue.jobs.set(JOB, glueJobOf(standingJob(JOB, { GlueVersion: '4.0' })));
    expect(await rejectionOf(l.launch(single({ jobName: JOB })))).toMatchObject({ name: 'UnsupportedJobType' });
    l.glue.jobs.set(JOB, glueJobOf(standingJob(JOB)));
    l.store.objects.delete(sourceUri(JOB));
    const error = await rejectionOf(l.launch(single({ jobName: JOB })));
    expect(error).toMatchObject({
      name: 'TokenUnavailable',
      message: expect.stringContaining(`its own requirements file ${sourceUri(JOB)} is missing or not readable`),
    });
    expect(l.glue.starts).toEqual([]);
    expect(l.store.callsOf('PutObject')).toEqual([]);
  });

  it('a token that ends exactly when the run’s need does is enough; a second less is not', async () => {
    const now = Date.parse('2026-12-07T20:00:00Z');
    // The job's 60 minutes and 15 of margin.
    const needMs = (60 + 15) * 60_000;
    for (const [lifeMs, rewritten] of [
      [needMs, 0],
      [needMs - 1000, 1],
    ] as const) {
      const l = launcher({ clock: () => now });
      l.store.objects.set(FILE, 'x\n');
      l.store.userMetadata.set(
        FILE,
        metadataOf({ tokenExpiresAt: new Date(now + lifeMs), sourceDigest: sourceDigest(sourceBytes) }),
      );
      await l.launch(single({ jobName: JOB }));
      expect([lifeMs, l.store.callsOf('PutObject').length]).toEqual([lifeMs, rewritten]);
    }
  });

  it('a source over 1 MiB, or --launch-* in its definition, is refused before anything is written', async () => {
    const large = launcher();
    large.store.objects.set(sourceUri(JOB), new Uint8Array(1024 * 1024 + 1).fill(0x61));
    expect(await rejectionOf(large.launch(single({ jobName: JOB })))).toMatchObject({
      name: 'InstallerOptionConflict',
      message: expect.stringContaining('larger than 1024 KiB'),
    });
    const keyed = launcher();
    const definition = standingJob(JOB);
    keyed.glue.jobs.set(
      JOB,
      glueJobOf({
        ...definition,
        DefaultArguments: { ...definition.DefaultArguments, '--launch-idempotency-key': 'k' },
      }),
    );
    expect(await rejectionOf(keyed.launch(single({ jobName: JOB })))).toMatchObject({
      name: 'UnsupportedJobType',
      message: expect.stringContaining('--launch-idempotency-key'),
    });
    expect([...large.store.callsOf('PutObject'), ...keyed.store.callsOf('PutObject')]).toEqual([]);
  });

  it('in a batch beside a plain job, each gets its own delivery', async () => {
    const l = launcher();
    standingFileFor(l, 11 * 60);
    const result = await l.launch({ batch: true, requests: [{ jobName: JOB }, { jobName: 'nightly-etl' }] });
    expect(result).toMatchObject({
      runs: [
        { jobName: JOB, tokenDelivery: 'standing-file' },
        { jobName: 'nightly-etl', tokenDelivery: 'arguments' },
      ],
    });
  });
});
