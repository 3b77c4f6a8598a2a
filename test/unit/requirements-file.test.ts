import {
  fileInstallerOption,
  filePlan,
  requirementsFileBody,
  requirementsFileKey,
} from '../../src/pip/requirements-file';

const URL = 'https://aws:TOKEN@host.example/pypi/r/simple/';
const GLUE_5 = { kind: 'spark', glueVersion: '5.0', modulesFixed: false } as const;

const planOf = (installerOption: string | undefined, modules: string | undefined, job = GLUE_5) => {
  const plan = filePlan(job, installerOption, modules);
  if ('unfit' in plan) throw new Error(plan.unfit);
  return plan;
};

describe('which jobs can take a requirements file', () => {
  it.each([
    ['a Glue 4.0 Spark job', { ...GLUE_5, glueVersion: '4.0' }, 'acme', /runs Glue 4\.0, and only Glue 5\.0 and later/],
    ['a job without a Glue version', { ...GLUE_5, glueVersion: undefined }, 'acme', /runs Glue \(unset\)/],
    ['a Python shell job', { ...GLUE_5, kind: 'python-shell' }, 'acme', /Python shell job/],
    ['non-overridable modules', { ...GLUE_5, modulesFixed: true }, 'acme', /NonOverridableArguments/],
    ['a wheel in S3', GLUE_5, 'acme,s3://bucket/pkg-1.0-py3-none-any.whl', /names S3 objects/],
  ] as const)('not %s', (_case, job, modules, why) => {
    expect(filePlan(job, undefined, modules)).toEqual({ unfit: expect.stringMatching(why) });
  });

  it('a Glue 5.0 and later Spark job, with plain modules or its own S3 requirements file', () => {
    expect(filePlan({ ...GLUE_5, glueVersion: '5.1' }, undefined, 'acme')).not.toHaveProperty('unfit');
    expect(filePlan(GLUE_5, '-r', 's3://team/requirements.txt')).toMatchObject({
      ownFile: 's3://team/requirements.txt',
    });
  });
});

describe('the plan: what goes in the file, what stays on the command line', () => {
  it('modules become lines; the job’s other pip options stay, without its index and its -r, and -r goes last', () => {
    const plan = planOf('--index-url=https://stale/ --upgrade -r', 'acme-pipelines==1.4.0, pandas>=2');
    expect(plan).toEqual({
      options: ['--upgrade'],
      requirements: ['acme-pipelines==1.4.0', 'pandas>=2'],
      ownFile: undefined,
    });
    expect(fileInstallerOption(plan)).toBe('--upgrade -r');
  });

  it('pip options inside the modules value stay options, with their values', () => {
    const plan = planOf('--no-cache-dir', 'acme,--pre,--trusted-host,host.example,pandas');
    expect(plan.options).toEqual(['--no-cache-dir', '--pre', '--trusted-host', 'host.example']);
    expect(plan.requirements).toEqual(['acme', 'pandas']);
    expect(fileInstallerOption(plan)).toBe('--no-cache-dir --pre --trusted-host host.example -r');
  });
});

describe('the file', () => {
  it('holds the launcher’s index line first, then the modules, one per line', () => {
    const body = requirementsFileBody('etl', planOf(undefined, 'acme==1.4.0,pandas'), 'index-url', URL);
    expect(body).toBe(`--index-url ${URL}\nacme==1.4.0\npandas\n`);
    expect(requirementsFileBody('etl', planOf(undefined, 'acme'), 'extra-index-url', URL)).toBe(
      `--extra-index-url ${URL}\nacme\n`,
    );
  });

  it('carries the job’s own file over after the index line, its index options dropped, other options kept', () => {
    const own = [
      '# the team’s file',
      '-i https://aws:OLD@stale/simple/',
      'acme==1.4.0',
      '--extra-index-url https://b/ --pre',
      '',
      'pandas',
    ];
    const body = requirementsFileBody('etl', planOf('-r', 's3://team/req.txt'), 'index-url', URL, own.join('\n'));
    expect(body).toBe(`--index-url ${URL}\n# the team’s file\nacme==1.4.0\n--pre\n\npandas\n`);
  });

  it('refuses an own file that holds --no-index: InstallerOptionConflict', () => {
    expect(() =>
      requirementsFileBody('etl', planOf('-r', 's3://team/req.txt'), 'index-url', URL, '--no-index\nacme'),
    ).toThrow(
      expect.objectContaining({
        name: 'InstallerOptionConflict',
        message: expect.stringMatching(/^Job etl was not started: its requirements file holds --no-index/),
      }),
    );
  });

  it('goes under the prefix, by job and day, one per launch, the job name encoded for a key', () => {
    const at = new Date('2026-11-22T23:59:59Z');
    expect(requirementsFileKey({ bucket: 'b', prefix: 'glue-launcher/' }, 'nightly-etl', at, 'id-1')).toBe(
      'glue-launcher/nightly-etl/2026-11-22/id-1.txt',
    );
    expect(requirementsFileKey({ bucket: 'b', prefix: '' }, 'a/b c', at, 'id-2')).toBe('a%2Fb%20c/2026-11-22/id-2.txt');
  });
});
