import { ServiceError } from '../../local/standin/errors';
import { StandIn } from '../../local/standin/server';
import { BundleSession } from '../../local/tools/bundle';
import { PRIVATE_REQUIREMENT, scheduledEvent, teamJob } from '../../local/tools/fixtures';
import { expectNoLeak, leakSpellings } from '../helpers/secrets';
import { indexesPipRead, invokeAgainst, invokeSession, ONLY_THE_PRIVATE_INDEX, runIdOf } from '../helpers/stand-in';

// The launcher as a privilege boundary, through the built bundle, the real SDK, the stand-in and real pip: what a
// caller who may invoke it can make a run do, and what a service's answer can make it say.
jest.setTimeout(60_000);

let standIn: StandIn;
const JOBS = 'nightly-etl,index-in-modules,shell-quoted';
const ENV = { GLUE_JOB_NAME: 'nightly-etl', ALLOWED_JOB_NAMES: JOBS };

beforeAll(async () => {
  standIn = await StandIn.start({ install: 'pip' });
  const evil = `${standIn.url}/evil/simple/`;
  standIn.createJob(
    teamJob('nightly-etl', {
      DefaultArguments: {
        '--job-language': 'python',
        '--additional-python-modules': PRIVATE_REQUIREMENT,
        // The first hole: a combined short group that held the index survived the rewrite.
        '--python-modules-installer-option': `-Ui ${evil} --no-cache-dir`,
      },
    }),
  );
  standIn.createJob(
    teamJob('index-in-modules', {
      DefaultArguments: { '--additional-python-modules': `${PRIVATE_REQUIREMENT}, --extra-index-url=${evil}` },
    }),
  );
});
afterAll(() => standIn?.stop());
afterEach(() => standIn.faults.clear());

const awsCallsSince = (count: number) => standIn.calls.slice(count).filter((call) => call.service !== 'pypi');

describe('pip sees one index: the launcher’s', () => {
  it('-Ui <other index> in the job’s installer option: real pip looks in the launcher’s index alone', async () => {
    const id = runIdOf(await invokeAgainst(standIn, {}, ENV));
    const run = await standIn.waitForRun(id);
    expect(indexesPipRead(standIn, id)).toEqual([expect.stringMatching(ONLY_THE_PRIVATE_INDEX)]);
    expect(standIn.outcomeOf(id)?.output).not.toContain('/evil/');
    expect(run.JobRunState).toBe('SUCCEEDED');
    expect(run.Arguments['--python-modules-installer-option']).toMatch(/^--index-url=\S+ -U --no-cache-dir$/);
  });

  it('an index option inside --additional-python-modules is InstallerOptionConflict, and nothing starts', async () => {
    const runs = standIn.runs('index-in-modules').length;
    const { error } = await invokeAgainst(standIn, { jobName: 'index-in-modules' }, ENV);
    expect(error?.name).toBe('InstallerOptionConflict');
    expect(error?.message).toMatch(
      /^Job index-in-modules was not started: --additional-python-modules holds the item "--extra-index-url=http:\/\/127\.0\.0\.1:\d+\/evil\/simple\/", which is neither a plain requirement nor an S3 wheel;/,
    );
    expect(standIn.runs('index-in-modules')).toHaveLength(runs);
  });
});

describe('a caller sets only the arguments ALLOWED_RUN_ARGUMENTS allows', () => {
  const attack = (key: string) => ({ jobName: 'nightly-etl', arguments: { [key]: 's3://attacker/payload.py' } });

  it.each(['--scriptLocation', '--extra-py-files', '--conf', '--additional-python-modules', '--launch-request-digest'])(
    'safe (the default) refuses %s: ArgumentNotAllowed, and no AWS call at all',
    async (key) => {
      const before = standIn.calls.length;
      const { error } = await invokeAgainst(standIn, attack(key), ENV);
      expect(error?.name).toBe('ArgumentNotAllowed');
      expect(error?.message).toMatch(new RegExp(`^Job nightly-etl was not started: argument ${key} is not allowed`));
      expect(error?.message).not.toContain('attacker');
      expect(awsCallsSince(before)).toEqual([]);
    },
  );

  it('"*" lets a caller set them (the seed launcher’s behaviour), and a list only its keys', async () => {
    const anything = await invokeAgainst(standIn, attack('--extra-py-files'), { ...ENV, ALLOWED_RUN_ARGUMENTS: '*' });
    const run = standIn.runs('nightly-etl').find((r) => r.Id === runIdOf(anything));
    expect(run?.Arguments['--extra-py-files']).toBe('s3://attacker/payload.py');
    const listed = { ...ENV, ALLOWED_RUN_ARGUMENTS: '--run-date' };
    expect((await invokeAgainst(standIn, attack('--extra-py-files'), listed)).error?.name).toBe('ArgumentNotAllowed');
    const allowed = { jobName: 'nightly-etl', arguments: { '--run-date': '2026-11-21' } };
    expect((await invokeAgainst(standIn, allowed, listed)).error).toBeUndefined();
  });
});

describe('what a service echoes never carries the token', () => {
  let session: BundleSession;
  beforeAll(() => {
    session = new BundleSession({ ...standIn.env(), ...ENV, POWERTOOLS_LOG_LEVEL: 'DEBUG' });
  });
  afterAll(() => session.close());

  // Glue echoes the run's installer option back in another spelling: each one the issue found, and a fragment.
  const option = (input: Record<string, unknown>) =>
    (input.Arguments as Record<string, string>)['--python-modules-installer-option'] as string;
  const tokenIn = (input: Record<string, unknown>) =>
    decodeURIComponent(/aws:([^@]+)@/.exec(option(input))?.[1] as string);
  const ECHOES: Array<[string, (input: Record<string, unknown>) => string]> = [
    [
      'percent-encoded in lowercase hex',
      (input) => encodeURIComponent(tokenIn(input)).replace(/%[0-9A-F]{2}/g, (b) => b.toLowerCase()),
    ],
    ['as base64 of aws:<token>', (input) => `Basic ${Buffer.from(`aws:${tokenIn(input)}`).toString('base64')}`],
    ['cut to a fragment', (input) => `...${tokenIn(input).slice(20, 60)}... (truncated)`],
    [
      'JSON-escaped, beside a URL with a password',
      (input) => `${JSON.stringify({ o: option(input) })} https://u:p4ss@h/`,
    ],
  ];

  it.each(ECHOES)('a StartJobRun error that echoes the token %s', async (_case, echo) => {
    standIn.rejectNext('StartJobRun', (input) => new ServiceError('InvalidInputException', `Invalid: ${echo(input)}`));
    const invocation = await invokeSession(standIn, session, scheduledEvent(crypto.randomUUID()));
    expect(invocation.error?.name).toBe('StartJobRunFailed');
    expect(invocation.error?.message).toMatch(/^Job nightly-etl was not started: StartJobRun failed with InvalidInput/);
    const token = standIn.issuedTokens().at(-1)?.token as string;
    expectNoLeak(`${invocation.error?.message} ${invocation.logs}`, token);
    expect(`${invocation.error?.message} ${invocation.logs}`).not.toContain('p4ss');
    expect(leakSpellings(token).length).toBeGreaterThan(0);
  });
});

describe('what the launcher will not take as an event', () => {
  it.each([
    ['a field beside the EventBridge envelope', { ...scheduledEvent('beside'), jobName: 'index-in-modules' }],
    ['an event id with spaces', scheduledEvent('an id with spaces')],
    ['an event id of 5,000 characters', scheduledEvent('x'.repeat(5000))],
  ])('%s is InvalidRequest, and no AWS call', async (_case, event) => {
    const before = standIn.calls.length;
    const { error } = await invokeAgainst(standIn, event, ENV);
    expect(error?.name).toBe('InvalidRequest');
    expect(awsCallsSince(before)).toEqual([]);
  });

  it('several configuration problems are named in one ConfigError', async () => {
    const { error } = await invokeAgainst(
      standIn,
      {},
      {
        ...ENV,
        CODEARTIFACT_DOMAIN: 'Bad_Domain',
        MAX_PARALLEL_STARTS: '99',
        ALLOWED_RUN_ARGUMENTS: '--launch-idempotency-key',
      },
    );
    expect(error?.name).toBe('ConfigError');
    for (const variable of ['CODEARTIFACT_DOMAIN', 'MAX_PARALLEL_STARTS', 'ALLOWED_RUN_ARGUMENTS']) {
      expect(error?.message).toContain(`${variable}=`);
    }
  });
});
