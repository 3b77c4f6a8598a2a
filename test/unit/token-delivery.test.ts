import { OTHER_PIP_OPTIONS } from '../../local/tools/fixtures';
import { DELIVERY_ARGUMENT } from '../../src/idempotency/record';
import { failure, INDEX, REQUIREMENTS, rejectionOf, single, sparkJob, TOKEN, testLauncher } from '../helpers/fakes';
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

  it('a job that cannot take a file is UnsupportedJobType, and nothing is called for it', async () => {
    const l = testLauncher(FILE, [sparkJob('nightly-etl', { glueVersion: '4.0' })]);
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect(error.name).toBe('UnsupportedJobType');
    expect(error.message).toBe(
      'Job nightly-etl was not started: it runs Glue 4.0, and only Glue 5.0 and later read a requirements file from S3; TOKEN_DELIVERY=requirements-file needs Glue 5.0 or later Spark jobs (set the template parameter TokenDelivery to auto to give other jobs arguments delivery).',
    );
    expect([...l.store.calls, ...l.glue.starts]).toEqual([]);
  });
});

describe('a job’s own requirements file in arguments delivery', () => {
  const own = 's3://team-bucket/requirements.txt';
  const job = glue5('nightly-etl', {
    defaultArguments: { '--additional-python-modules': own, '--python-modules-installer-option': '-r' },
  });

  it('is read too: one without an index line starts, the run reading it itself after the launcher’s index', async () => {
    const l = testLauncher({}, [job]);
    l.store.objects.set(own, 'acme-pipelines==1.4.0\n');
    await l.launch(single({ jobName: 'nightly-etl' }));
    expect(l.store.callsOf('GetObject')).toEqual([own]);
    expect(l.glue.starts[0]?.arguments).toMatchObject({
      '--additional-python-modules': own,
      '--python-modules-installer-option': `--index-url=${INDEX} -r`,
    });
  });

  it('one with an index line is InstallerOptionConflict naming the line, and nothing starts; auto starts it with the file', async () => {
    const l = testLauncher({}, [job]);
    l.store.objects.set(own, 'acme-pipelines==1.4.0\n--index-url https://aws:STALE@old.example/simple/\n');
    const error = await rejectionOf(l.launch(single({ jobName: 'nightly-etl' })));
    expect([error.name, error.message]).toEqual([
      'InstallerOptionConflict',
      `Job nightly-etl was not started: line 2 of its requirements file ${own} sets --index-url, which pip would read over the launcher's index; remove the line, or set TOKEN_DELIVERY (template parameter TokenDelivery) to auto or requirements-file so that the launcher carries the file over without it.`,
    ]);
    expect(l.glue.starts).toEqual([]);

    const auto = testLauncher(AUTO, [job]);
    auto.store.objects.set(own, 'acme-pipelines==1.4.0\n--index-url https://aws:STALE@old.example/simple/\n');
    await expect(auto.launch(single({ jobName: 'nightly-etl' }))).resolves.toMatchObject({
      tokenDelivery: 'requirements-file',
    });
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
  });

  it('a reused run says how it got its token, as it recorded it', async () => {
    const l = testLauncher(AUTO, [glue5('nightly-etl')]);
    const first = await l.launch(single({ jobName: 'nightly-etl', idempotencyKey: 'k' }));
    const again = await l.launch(single({ jobName: 'nightly-etl', idempotencyKey: 'k' }));
    expect(again).toEqual({ ...first, reused: true });
    expect(again).toMatchObject({ tokenDelivery: 'requirements-file' });
  });
});
