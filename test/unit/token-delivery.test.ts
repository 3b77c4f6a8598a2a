import { OTHER_PIP_OPTIONS } from '../../local/tools/fixtures';
import { DELIVERY_ARGUMENT } from '../../src/idempotency/record';
import {
  batchOf,
  failure,
  INDEX,
  REQUIREMENTS,
  rejectionOf,
  single,
  sparkJob,
  TOKEN,
  testLauncher,
} from '../helpers/fakes';
import { leakIn } from '../helpers/secrets';

// Requirements-file delivery over the fakes: the token goes into an S3 object, never into a run's arguments.

const glue5 = (name: string, overrides = {}) => sparkJob(name, { glueVersion: '5.0', ...overrides });
const FILE = { tokenDelivery: 'requirements-file' } as const;
const AUTO = { tokenDelivery: 'auto' } as const;

describe('requirements-file delivery', () => {
  it('writes the file, then starts the run with its S3 URI and "-r": no token anywhere in StartJobRun', async () => {
    const l = testLauncher(FILE, [glue5('nightly-etl')]);
    const result = await l.launch(single({ jobName: 'nightly-etl', arguments: { '--run-date': '2026-11-21' } }));
    expect(result).toMatchObject({ jobName: 'nightly-etl', tokenDelivery: 'requirements-file' });
    const [start] = l.glue.starts;
    expect(leakIn(JSON.stringify(start), TOKEN)).toBeUndefined();
    const [uri, body] = [...l.store.objects][0] as [string, string];
    expect(uri).toMatch(
      new RegExp(`^s3://${REQUIREMENTS.bucket}/glue-launcher/nightly-etl/\\d{4}-\\d\\d-\\d\\d/[\\w-]+\\.txt$`),
    );
    // The job's other options (allowlisted, accepted in a file) move into the file: the run gets exactly -r.
    expect(body).toBe(`--index-url ${INDEX}\n${OTHER_PIP_OPTIONS.split(' ').join('\n')}\nacme-pipelines==1.4.0\n`);
    expect(start?.arguments).toMatchObject({
      '--additional-python-modules': uri,
      '--python-modules-installer-option': '-r',
      '--run-date': '2026-11-21',
      [DELIVERY_ARGUMENT]: 'requirements-file',
    });
    // The file is written before the run that reads it starts.
    expect(l.store.callsOf('PutObject')).toHaveLength(1);
    expect(l.logger.records.find((r) => r.message === 'Job run started')?.attributes).toMatchObject({
      tokenDelivery: 'requirements-file',
      requirementsFile: uri,
    });
  });

  it('a file that cannot be written is TokenUnavailable, and nothing starts', async () => {
    const l = testLauncher(FILE, [glue5('nightly-etl')]);
    l.store.failNext('PutObject', failure('PutObject', 'denied', 'AccessDenied: Access Denied'));
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect(error.name).toBe('TokenUnavailable');
    expect(error.message).toMatch(
      /^Job nightly-etl was not started: the requirements file s3:\/\/launcher-requirements\/glue-launcher\/nightly-etl\/.+\.txt could not be written \(AccessDenied: Access Denied\)\.$/,
    );
    expect(l.glue.starts).toEqual([]);
  });

  it('a job’s own requirements file is read before the token and carried over; one that cannot be read starts nothing', async () => {
    const own = 's3://team-bucket/requirements.txt';
    const job = glue5('nightly-etl', {
      defaultArguments: {
        '--additional-python-modules': own,
        '--python-modules-installer-option': '--prefer-binary -r',
      },
    });
    const l = testLauncher(FILE, [job]);
    l.store.objects.set(own, '-i https://aws:OLD@stale/simple/\nacme-pipelines==1.4.0\n');
    await l.launch(single({ jobName: 'nightly-etl' }));
    const written = [...l.store.objects].find(([uri]) => uri !== own)?.[1];
    expect(written).toBe(`--index-url ${INDEX}\n--prefer-binary\nacme-pipelines==1.4.0\n`);
    expect(l.glue.starts[0]?.arguments['--python-modules-installer-option']).toBe('-r');

    l.store.objects.delete(own);
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect([error.name, error.message]).toEqual([
      'TokenUnavailable',
      `Job nightly-etl was not started: its own requirements file ${own} is missing or not readable (AccessDenied: Access Denied); check that it exists and that the launcher may read its bucket (JobRequirementsBuckets).`,
    ]);
    expect(l.glue.starts).toHaveLength(1);
  });

  it('a requirements file two jobs share is read once, and serves both', async () => {
    const own = 's3://team-bucket/shared-requirements.txt';
    const withOwn = (name: string) =>
      glue5(name, {
        defaultArguments: { '--additional-python-modules': own, '--python-modules-installer-option': '-r' },
      });
    const l = testLauncher(FILE, [withOwn('nightly-etl'), withOwn('hourly-etl')]);
    l.store.objects.set(own, 'acme-pipelines==1.4.0\n');
    await l.launch(batchOf({ jobName: 'nightly-etl' }, { jobName: 'hourly-etl' }));
    expect(l.store.callsOf('GetObject')).toEqual([own]);
    expect(l.glue.starts.map((start) => start.jobName)).toEqual(['nightly-etl', 'hourly-etl']);
  });

  it('a job’s own file over 1 MiB is refused, and nothing starts', async () => {
    const own = 's3://team-bucket/requirements.txt';
    const job = glue5('nightly-etl', {
      defaultArguments: { '--additional-python-modules': own, '--python-modules-installer-option': '-r' },
    });
    const l = testLauncher(FILE, [job]);
    l.store.objects.set(own, `${'acme-pipelines==1.4.0\n'.repeat(60_000)}`);
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect([error.name, error.message]).toEqual([
      'InstallerOptionConflict',
      `Job nightly-etl was not started: its requirements file ${own} is larger than 1024 KiB, which the launcher does not read; split it or shorten it.`,
    ]);
    expect(l.glue.starts).toEqual([]);
  });

  it('a job’s own file S3 would not decrypt says which KMS key to grant', async () => {
    const own = 's3://team-bucket/requirements.txt';
    const job = glue5('nightly-etl', {
      defaultArguments: { '--additional-python-modules': own, '--python-modules-installer-option': '-r' },
    });
    const l = testLauncher(FILE, [job]);
    const denied = 'AccessDenied: not authorized to perform: kms:Decrypt on the resource';
    l.store.failNext('GetObject', failure('GetObject', 'denied', denied));
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect(error.message).toBe(
      `Job nightly-etl was not started: its own requirements file ${own} is missing or not readable (${denied}); check that it exists and that the launcher may read its bucket (JobRequirementsBuckets), and decrypt with its KMS key (JobRequirementsKmsKeyArns).`,
    );
  });

  it('a job’s own file pip would read two ways is refused with its line, and nothing starts', async () => {
    const own = 's3://team-bucket/requirements.txt';
    const job = glue5('nightly-etl', {
      defaultArguments: { '--additional-python-modules': own, '--python-modules-installer-option': '-r' },
    });
    const l = testLauncher(FILE, [job]);
    l.store.objects.set(own, '# -*- coding: utf-7 -*-\nacme-pipelines==1.4.0\n');
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect(error.name).toBe('InstallerOptionConflict');
    expect(error.message).toMatch(/^Job nightly-etl was not started: .*line 1.*utf-7/);
    expect([l.glue.starts, l.store.callsOf('PutObject')]).toEqual([[], []]);
  });

  it('says at debug which output-only options it left out of the file, and nothing when there are none', async () => {
    const job = (options: string) =>
      glue5('nightly-etl', { defaultArguments: { '--python-modules-installer-option': options } });
    const quiet = testLauncher(FILE, [job('-q --no-cache-dir')]);
    await quiet.launch(single({ jobName: 'nightly-etl' }));
    expect(quiet.logger.records.filter((r) => r.message.startsWith('Output-only'))).toEqual([
      {
        level: 'debug',
        message: 'Output-only pip options left out of the requirements file',
        attributes: { jobName: 'nightly-etl', options: ['-q', '--no-cache-dir'] },
      },
    ]);
    const plain = testLauncher(FILE, [job('--prefer-binary')]);
    await plain.launch(single({ jobName: 'nightly-etl' }));
    expect(plain.logger.records.filter((r) => r.message.startsWith('Output-only'))).toEqual([]);
  });

  it('a job that cannot take a file is UnsupportedJobType, and nothing is called for it', async () => {
    const l = testLauncher(FILE, [sparkJob('nightly-etl', { glueVersion: '4.0' })]);
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect(error.name).toBe('UnsupportedJobType');
    expect(error.message).toBe(
      'Job nightly-etl was not started: it runs Glue 4.0, and only Glue 5.0 and later read a requirements file from S3; TOKEN_DELIVERY=requirements-file needs Glue 5.0 or later Spark jobs whose pip options pip accepts in a file or leaves output-only (move the job to Glue 5.0 or later, or set the template parameter TokenDelivery to auto to give such jobs arguments delivery).',
    );
    expect([...l.store.calls, ...l.glue.starts]).toEqual([]);
  });
});

describe('a job’s own requirements file in an arguments-only deployment', () => {
  const own = 's3://team-bucket/requirements.txt';
  const job = glue5('nightly-etl', {
    defaultArguments: { '--additional-python-modules': own, '--python-modules-installer-option': '-r' },
  });

  it('is UnsupportedJobType naming the settings that serve it: never read, nothing started; auto writes it', async () => {
    const l = testLauncher({}, [job]);
    l.store.objects.set(own, 'acme-pipelines==1.4.0\n');
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect([error.name, error.message]).toEqual([
      'UnsupportedJobType',
      `Job nightly-etl was not started: its --additional-python-modules is its own requirements file ${own}, which pip would read itself, comments, encoding and all, and which the launcher serves only as a file it writes: set the template parameter TokenDelivery to auto (with the bucket the template then creates) or requirements-file, or serve the job with a standing requirements file.`,
    ]);
    expect([l.store.calls, l.glue.starts]).toEqual([[], []]);

    const auto = testLauncher(AUTO, [job]);
    auto.store.objects.set(own, 'acme-pipelines==1.4.0\n--index-url https://aws:STALE@old.example/simple/\n');
    await expect(auto.launch(single({ jobName: 'nightly-etl' }))).resolves.toMatchObject({
      tokenDelivery: 'requirements-file',
    });
    expect(auto.glue.starts[0]?.arguments['--python-modules-installer-option']).toBe('-r');
  });
});

describe('auto delivery', () => {
  it('a Glue 5.0 job gets the file; a Glue 4.0 job and a Python shell job get arguments', async () => {
    const shell = sparkJob('busy-job', {
      command: 'pythonshell',
      pythonVersion: '3.9',
      defaultArguments: { '--additional-python-modules': 'acme-pipelines==1.4.0' },
    });
    const l = testLauncher(AUTO, [glue5('nightly-etl'), sparkJob('hourly-etl', { glueVersion: '4.0' }), shell]);
    const result = await l.launch({
      batch: true,
      requests: [{ jobName: 'nightly-etl' }, { jobName: 'hourly-etl' }, { jobName: 'busy-job' }],
    });
    expect(
      (result as unknown as { runs: Array<{ tokenDelivery: string }> }).runs.map((run) => run.tokenDelivery),
    ).toEqual(['requirements-file', 'arguments', 'arguments']);
    const start = (jobName: string) => l.glue.starts.find((s) => s.jobName === jobName);
    const [file, args, modules] = [start('nightly-etl'), start('hourly-etl'), start('busy-job')];
    expect(leakIn(JSON.stringify(file), TOKEN)).toBeUndefined();
    expect(args?.arguments['--python-modules-installer-option']).toContain(INDEX);
    expect(modules?.arguments['--additional-python-modules']).toContain(INDEX);
    // Never silently: each job that auto gave arguments is named in a warning, with why.
    expect(
      l.logger.records
        .filter((r) => r.message === 'Job gets arguments delivery: the token goes into its run arguments')
        .map((r) => [r.level, r.attributes?.jobName, r.attributes?.why]),
    ).toEqual([
      ['warn', 'hourly-etl', expect.stringMatching(/^it runs Glue 4\.0/)],
      ['warn', 'busy-job', 'it is a Python shell job'],
    ]);
  });

  it('output-only options do not cost a Glue 5 job the file: left out of it, said at debug', async () => {
    const job = glue5('nightly-etl', {
      defaultArguments: {
        '--additional-python-modules': 'acme-pipelines==1.4.0',
        '--python-modules-installer-option': '--no-cache-dir -q --prefer-binary',
      },
    });
    const l = testLauncher(AUTO, [job]);
    await expect(l.launch(single({ jobName: 'nightly-etl' }))).resolves.toMatchObject({
      tokenDelivery: 'requirements-file',
    });
    expect([...l.store.objects.values()][0]).toBe(`--index-url ${INDEX}\n--prefer-binary\nacme-pipelines==1.4.0\n`);
    expect(l.logger.records.find((r) => r.message.startsWith('Output-only pip options'))).toMatchObject({
      level: 'debug',
      attributes: { jobName: 'nightly-etl', options: ['--no-cache-dir', '-q'] },
    });
  });

  it('a reused run says how it got its token, as it recorded it', async () => {
    const l = testLauncher(AUTO, [glue5('nightly-etl')]);
    const first = await l.launch(single({ jobName: 'nightly-etl', idempotencyKey: 'k' }));
    const again = await l.launch(single({ jobName: 'nightly-etl', idempotencyKey: 'k' }));
    expect(again).toEqual({ ...first, reused: true });
    expect(again).toMatchObject({ tokenDelivery: 'requirements-file' });
  });
});
