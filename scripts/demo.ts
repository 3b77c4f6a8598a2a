/**
 * `npm start`: the whole launch on this machine, with no AWS account. Starts the local stand-in, creates demo
 * jobs (two Spark, one Python shell 3.9) whose DefaultArguments carry a stale index URL, shows that a run of the
 * event's job started as-is fails, then invokes the built bundle with the event and shows the run it started
 * install the private package.
 */
import { GetJobRunCommand, GlueClient, type JobRun, StartJobRunCommand } from '@aws-sdk/client-glue';
import { StandIn } from '../local/standin/server';
import { type BundleInvocation, invokeBundle, REFRESHER_BUNDLE } from '../local/tools/bundle';
import { parseCommandLine, readJsonFile, runTool, ToolFailure, UsageError } from '../local/tools/cli';
import {
  ALL_DEMO_JOBS,
  DEMO_JOB_NAMES,
  DEMO_PYTHON_SHELL_JOB,
  demoJob,
  LAMBDA_ENV,
  launcherEnvironment,
  PRIVATE_REQUIREMENT,
  REQUIREMENTS_BUCKET,
  SOURCE_TEXT,
  SOURCES_BUCKET,
  standInClientConfig,
  standingJob,
} from '../local/tools/fixtures';
import { describeMetrics, emfRecords } from '../local/tools/metrics';
import { parseEvent } from '../src/input/events';
import { maskUrlPasswords, redactToken } from '../src/token/redact';

// The SDK's notice that its 2027 releases need Node 22 is not news for a demo (on a machine whose Node is older).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??=
  LAMBDA_ENV.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;

const DEFAULT_EVENT = 'events/scheduled-rule.json';
const DELIVERIES = ['arguments', 'requirements-file', 'auto'];
const USAGE = `usage: npm start [-- --event FILE] [--delivery arguments|requirements-file|auto]
       npm start -- --standing

Runs the launcher end to end against a local stand-in for Glue, CodeArtifact, S3 and a private PyPI index.
  --event FILE      the event to invoke the handler with (default: ${DEFAULT_EVENT});
                    events/python-shell-request.json launches the Python shell 3.9 job
  --delivery MODE   TOKEN_DELIVERY (default arguments); requirements-file puts the token in an S3 file, not in
                    the run's arguments (Glue 5.0 jobs; the demo's Spark jobs are)
  --standing        standing requirements files instead: the refresher writes a job's file, a run started without
                    the launcher (as a trigger starts it) installs through it, and once the refresher has stopped
                    and 12 hours have passed the same start fails with pip's error`;

const STANDING_JOB = 'orders-etl';

/** The jobs the event launches (the launcher's own reading of it), the first to show a run of it as-is first. */
const jobsOf = (event: unknown): string[] => {
  try {
    return parseEvent(event, DEMO_JOB_NAMES[0]).requests.map((request) => request.jobName);
  } catch {
    return [DEMO_JOB_NAMES[0]]; // the launcher will say what is wrong with the event
  }
};

const color = process.stdout.isTTY
  ? (code: number, text: string) => `\x1b[${code}m${text}\x1b[0m`
  : (_: number, t: string) => t;
const green = (text: string) => color(32, text);
const red = (text: string) => color(31, text);
const dim = (text: string) => color(2, text);

const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const line = (mark: string, label: string, detail: string, ms?: number) =>
  console.log(`  ${mark} ${label.padEnd(10)} ${detail}${ms === undefined ? '' : dim(`  (${seconds(ms)})`)}`);
const more = (text: string) => console.log(`               ${text}`);

const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
};

/** What a person reading the demo wants of each log line, in this order. */
const SHOWN_FIELDS = [
  'jobName',
  'jobRunId',
  'indexHost',
  'tokenExpiresAt',
  'tokenDelivery',
  'requirementsFile',
  'durationMs',
  'errorName',
  'errorMessage',
];

const printLogs = (invocation: BundleInvocation) => {
  for (const text of invocation.logs.split('\n').filter((l) => l.startsWith('{') && !l.includes('"_aws"'))) {
    const { level, message, ...line } = JSON.parse(text);
    const fields = Object.fromEntries(SHOWN_FIELDS.map((name) => [name, line[name]]));
    const shown = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' && v.length > 40 && k === 'jobRunId' ? `${v.slice(0, 12)}…` : v}`);
    more(dim(`log ${level} ${message} ${shown.join(' ')}`));
  }
};

const runIds = (result: unknown): string[] => {
  const r = result as { jobRunId?: string; runs?: Array<{ jobRunId?: string }> };
  if (r.jobRunId) return [r.jobRunId];
  return (r.runs ?? []).flatMap((run) => (run.jobRunId ? [run.jobRunId] : []));
};

const printArguments = (args: Record<string, string>) => {
  const width = Math.max(...Object.keys(args).map((k) => k.length));
  for (const [key, value] of Object.entries(args)) more(`  ${key.padEnd(width)}  ${maskUrlPasswords(value)}`);
};

/** Whether any issued token shows in this text, in any spelling or as 16 of its characters. */
const leakedIn = (standIn: StandIn, text: string): number =>
  standIn
    .issuedTokens()
    .map((t) => t.token)
    .filter((t) => redactToken(text, t) !== text).length;

/** A run started as a Glue trigger, the console or Step Functions' `.sync` starts it: the job's name alone. */
const startDirectly = async (standIn: StandIn, glue: GlueClient, jobName: string) => {
  const { JobRunId } = await glue.send(new StartJobRunCommand({ JobName: jobName }));
  return standIn.waitForRun(JobRunId as string);
};

/**
 * `npm start -- --standing`: a job set up once for its standing file; the refresher's bundle writes the file; a
 * direct start installs the private package through it; with the refresher stopped and the clock 12 hours on, the
 * same start fails with pip's own error.
 */
const standingDemo = async (standIn: StandIn): Promise<number> => {
  const glue = new GlueClient(standInClientConfig(standIn));
  standIn.s3.createBucket(REQUIREMENTS_BUCKET);
  standIn.s3.createBucket(SOURCES_BUCKET);
  standIn.s3.put(SOURCES_BUCKET, `${STANDING_JOB}/requirements.txt`, Buffer.from(SOURCE_TEXT), 'text/plain');
  const job = standingJob(STANDING_JOB);
  standIn.createJob(job);
  line(
    green('✓'),
    'job',
    `${STANDING_JOB} (Glue 5.0 Spark), set up once in the team's own code; its DefaultArguments:`,
  );
  printArguments(job.DefaultArguments ?? {});

  const refresh = await invokeBundle(
    {},
    { ...standIn.env(), REQUIREMENTS_BUCKET, STANDING_JOB_NAMES: STANDING_JOB },
    { bundle: REFRESHER_BUNDLE },
  );
  const leaks = leakedIn(standIn, `${refresh.logs}${JSON.stringify(refresh)}`);
  if (refresh.error) {
    line(red('✗'), 'refresh', `-> ${refresh.error.name}`, refresh.durationMs);
    more(refresh.error.message);
    throw new ToolFailure(`the refresher answered ${refresh.error.name}: ${refresh.error.message}`);
  }
  line(green('✓'), 'refresh', '{} -> dist/handler-standing.cjs in a fresh Node process', refresh.durationMs);
  more(`result ${JSON.stringify(refresh.result)}`);
  printLogs(refresh);
  for (const record of emfRecords(refresh.logs)) more(dim(`metrics ${describeMetrics(record)}`));
  more(leaks === 0 ? 'token in logs or result: none' : red(`TOKEN LEAKED in ${leaks} place(s)`));
  const file = job.DefaultArguments?.['--additional-python-modules'] as string;
  const object = standIn.s3.byUri(file);
  more(`standing file ${file} (token masked), metadata ${JSON.stringify(object?.metadata ?? {})}:`);
  for (const text of (object?.body.toString('utf8') ?? '').trimEnd().split('\n')) more(`  ${maskUrlPasswords(text)}`);

  const [run, runMs] = await timed(() => startDirectly(standIn, glue, STANDING_JOB));
  const direct = run.JobRunState === 'SUCCEEDED';
  line(
    direct ? green('✓') : red('✗'),
    'direct run',
    `${STANDING_JOB} started without the launcher: ${run.JobRunState}`,
    runMs,
  );
  if (direct) more(`pip installed ${standIn.outcomeOf(run.Id)?.installed.join(', ')} through the standing file`);
  else more(red(maskUrlPasswords(run.ErrorMessage ?? 'no message')));
  more('arguments StartJobRun sent: none; the run read its DefaultArguments above, which hold no token');

  standIn.clock.advance(12 * 3600 + 60);
  const [stale, staleMs] = await timed(() => startDirectly(standIn, glue, STANDING_JOB));
  const staleFailed = stale.JobRunState === 'FAILED';
  line(
    staleFailed ? green('✓') : red('✗'),
    'stale run',
    `the refresher stopped, 12 h passed: the same start ${stale.JobRunState} ${dim(`(${maskUrlPasswords(stale.ErrorMessage ?? '')})`)}`,
    staleMs,
  );
  const failed = leaks > 0 || !direct || !staleFailed;
  const verdict = failed
    ? red('FAILED: see above')
    : green(
        `SUCCEEDED: a run started without the launcher installed ${PRIVATE_REQUIREMENT} through its standing file; with the refresher stopped, StandingTokenAlarm fires hours before the failure above`,
      );
  console.log(`\n${verdict}`);
  return failed ? 1 : 0;
};

const main = async (): Promise<number> => {
  const { values } = parseCommandLine(
    process.argv.slice(2),
    { event: { type: 'string' }, delivery: { type: 'string' }, standing: { type: 'boolean' } },
    USAGE,
  );
  if (values.standing && (values.event !== undefined || values.delivery !== undefined)) {
    throw new UsageError('--standing shows standing files on their own: give it without --event or --delivery');
  }
  const eventFile = values.event ?? DEFAULT_EVENT;
  const delivery = values.delivery ?? 'arguments';
  if (!DELIVERIES.includes(delivery)) throw new UsageError(`--delivery takes ${DELIVERIES.join(', ')}`);
  const event = readJsonFile(eventFile, 'event file');
  const strangers = jobsOf(event).filter((name) => !ALL_DEMO_JOBS.includes(name));
  if (strangers.length > 0) {
    throw new UsageError(
      `${eventFile} names ${strangers.join(', ')}, which the demo does not have: its jobs are ${ALL_DEMO_JOBS.join(', ')}; name one of them, or try your own jobs against AWS with npm run invoke`,
    );
  }
  const total = performance.now();
  console.log(
    'glue-launcher demo: a Glue job run gets a fresh CodeArtifact token, on this machine, with no AWS account\n',
  );

  const [standIn, startMs] = await timed(() => StandIn.start({ install: 'pip' }));
  const stop = () => void standIn.stop().then(() => process.exit(130));
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    line(green('✓'), 'stand-in', `Glue, CodeArtifact, S3 and a private PyPI index on ${standIn.url}`, startMs);
    if (values.standing) return await standingDemo(standIn);
    // What a team has today: an index URL pasted into DefaultArguments, its token long expired.
    const stale = standIn.codeartifact.issueExpired(13 * 3600);
    const staleUrl = standIn.indexUrl(stale);
    for (const name of ALL_DEMO_JOBS) standIn.createJob(demoJob(name, staleUrl));
    line(
      green('✓'),
      'demo jobs',
      `${DEMO_JOB_NAMES.join(', ')} (Spark), ${DEMO_PYTHON_SHELL_JOB} (Python shell 3.9): DefaultArguments carry an index URL whose token expired 13 h ago`,
    );

    const glue = new GlueClient(standInClientConfig(standIn));
    const [asIs = DEMO_JOB_NAMES[0]] = jobsOf(event);
    const [before, beforeMs] = await timed(async () => {
      const { JobRunId } = await glue.send(new StartJobRunCommand({ JobName: asIs }));
      return standIn.waitForRun(JobRunId as string);
    });
    const beforeOk = before.JobRunState === 'FAILED';
    line(
      beforeOk ? green('✓') : red('✗'),
      'as-is run',
      `${asIs} started without the launcher: ${before.JobRunState} ${dim(`(${maskUrlPasswords(before.ErrorMessage ?? '')})`)}`,
      beforeMs,
    );

    standIn.s3.createBucket(REQUIREMENTS_BUCKET);
    const deliveryEnv: Record<string, string> =
      delivery === 'arguments' ? {} : { TOKEN_DELIVERY: delivery, REQUIREMENTS_BUCKET };
    const invocation = await invokeBundle(event, { ...launcherEnvironment(standIn, ALL_DEMO_JOBS), ...deliveryEnv });
    const tokens = standIn.issuedTokens().map((t) => t.token);
    // Any spelling of a token, or 16 of its characters: the launcher's own redaction finds what it would mask.
    const everything = `${invocation.logs}${JSON.stringify(invocation)}`;
    const leaked = tokens.filter((t) => redactToken(everything, t) !== everything);
    if (invocation.error) {
      line(red('✗'), 'invoke', `${eventFile} -> ${invocation.error.name}`, invocation.durationMs);
      more(invocation.error.message);
      printLogs(invocation);
      throw new ToolFailure(`the launcher answered ${invocation.error.name}: ${invocation.error.message}`);
    }
    line(
      green('✓'),
      'invoke',
      `${eventFile} -> dist/handler.cjs in a fresh Node ${process.version} process`,
      invocation.durationMs,
    );
    more(`result ${JSON.stringify(invocation.result)}`);
    printLogs(invocation);
    for (const record of emfRecords(invocation.logs)) more(dim(`metrics ${describeMetrics(record)}`));
    more(leaked.length === 0 ? 'token in logs or result: none' : red(`TOKEN LEAKED in ${leaked.length} place(s)`));

    let failed = leaked.length > 0;
    for (const id of runIds(invocation.result)) {
      const [run, runMs] = await timed(() => standIn.waitForRun(id));
      const { JobRun: seen } = await glue.send(new GetJobRunCommand({ JobName: run.JobName, RunId: id }));
      const outcome = standIn.outcomeOf(id);
      const ok = seen?.JobRunState === 'SUCCEEDED';
      failed ||= !ok;
      line(ok ? green('✓') : red('✗'), 'run', `${run.JobName} ${id.slice(0, 15)}… ${seen?.JobRunState}`, runMs);
      if (ok) more(`pip installed ${outcome?.installed.join(', ')} from the private index, through the fresh token`);
      else more(red(maskUrlPasswords((seen as JobRun).ErrorMessage ?? 'no message')));
      more('arguments the run got (token masked):');
      printArguments(seen?.Arguments ?? {});
      const file = seen?.Arguments?.['--additional-python-modules'] ?? '';
      const object = file.startsWith('s3://') ? standIn.s3.byUri(file) : undefined;
      if (object) {
        more(`requirements file ${file} (no token in the arguments; its own content, token masked):`);
        for (const text of object.body.toString('utf8').trimEnd().split('\n')) more(`  ${maskUrlPasswords(text)}`);
      }
    }
    const verdict = failed
      ? red('FAILED: see above')
      : green(`SUCCEEDED: every run installed ${PRIVATE_REQUIREMENT} through a token the launcher fetched`);
    console.log(`\n${verdict} ${dim(`(${seconds(performance.now() - total)} in all)`)}`);
    return failed ? 1 : 0;
  } finally {
    await standIn.stop();
  }
};

runTool(main, USAGE, (text) => console.error(red(`\ndemo failed: ${text}`)));
