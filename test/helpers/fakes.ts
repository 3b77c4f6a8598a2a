import type { JobDefinition } from '../../local/standin/glue';
import { TEAM_REPOSITORY, teamJob } from '../../local/tools/fixtures';
import { describeCause } from '../../src/errors';
import type { RecentRun } from '../../src/idempotency/record';
import { launch } from '../../src/launch/launch';
import type { LaunchConfig, LaunchDeps } from '../../src/launch/model';
import type { LaunchResult } from '../../src/launch/outcome';
import type { TokenDeliveryMode } from '../../src/pip/requirements-file';
import type { Arguments, LaunchPlan, LaunchRequest } from '../../src/plan';
import {
  type AuthorizationToken,
  type FailureKind,
  type GlueJob,
  type JobRunStart,
  type JobRunsPage,
  type JobService,
  type LaunchLock,
  type LaunchLogger,
  type LaunchMetrics,
  type LockKey,
  type LockOutcome,
  type PrivateRepository,
  type RecordedRun,
  type RequirementsStore,
  ServiceFailure,
  type StoredBytes,
} from '../../src/ports';
import { cachedEndpoint } from '../../src/token/access';

/** Not a real token: shaped like one (base64url segments and dots) plus characters that need encoding. */
export const TOKEN = 'eyJ2ZXIiOjEsImlzdSI6MTcwMDAwMDAwMH0.Zm9v+YmFy/YmF6=.c2VjcmV0';
export const ENCODED_TOKEN = encodeURIComponent(TOKEN);
const { domain, owner, repository } = TEAM_REPOSITORY;
/** The team's repository, as CodeArtifact names its endpoint in eu-west-1. */
export const INDEX_HOST = `${domain}-${owner}.d.codeartifact.eu-west-1.amazonaws.com`;
export const ENDPOINT = `https://${INDEX_HOST}/pypi/${repository}/`;
export const INDEX = `https://aws:${ENCODED_TOKEN}@${INDEX_HOST}/pypi/${repository}/simple/`;
/** When the tests started, to the second: the fake CodeArtifact answers every call as if it came then. */
const ASKED_AT = Math.floor(Date.now() / 1000) * 1000;
/** As CodeArtifact gives a token: `seconds` after it was asked for, to the second. */
export const expiresAfter = (seconds: number): Date => new Date(ASKED_AT + seconds * 1000);
/** Two hours: a fixed TOKEN_DURATION_SECONDS of 7200, and the role session's end for a duration of 0. */
export const EXPIRES = expiresAfter(2 * 60 * 60);

/** A request that sets every run setting StartJobRun takes. */
export const WITH_RUN_SETTINGS = {
  jobName: 'hourly-etl',
  arguments: { '--run-date': '2026-11-21' },
  timeout: 30,
  workerType: 'G.2X',
  numberOfWorkers: 7,
  executionClass: 'FLEX',
  securityConfiguration: 'encrypted',
  jobRunQueuingEnabled: true,
} as const;

/** A job as GetJob's adapter gives it to the launch (aws/glue.ts), from Glue's own shape. */
export const glueJobOf = (job: JobDefinition): GlueJob => ({
  name: job.Name,
  command: job.Command.Name,
  glueVersion: job.GlueVersion,
  pythonVersion: job.Command.PythonVersion,
  defaultArguments: job.DefaultArguments ?? {},
  nonOverridableArguments: job.NonOverridableArguments ?? {},
  timeout: job.Timeout,
  workerType: job.WorkerType,
  numberOfWorkers: job.NumberOfWorkers,
});

/** A team's job (local/tools/fixtures.ts), as the launch sees it. */
export const sparkJob = (name: string, overrides: Partial<GlueJob> = {}): GlueJob => ({
  ...glueJobOf(teamJob(name)),
  ...overrides,
});

export const failure = (operation: string, kind: FailureKind, detail = `${kind} from ${operation}`) =>
  new ServiceFailure(operation, kind, detail);

/** What a scripted call does instead of the fake's own answer: fail, or wait for the test to let it go on. */
type Step = { readonly fail: Error } | { readonly wait: Promise<unknown> };

/** A gate the test opens: calls that wait on it are in flight until then. */
export const gate = () => {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
};

/** Calls as the fakes saw them, in order, with what each was asked. */
export interface FakeCall {
  readonly operation: string;
  readonly input: unknown;
}

abstract class Scripted {
  readonly calls: FakeCall[] = [];
  private readonly steps = new Map<string, Array<{ step: Step; match?: (input: unknown) => boolean }>>();

  /**
   * The next `count` calls of `operation` (whose input matches) fail with this failure, and do nothing else; any
   * other error stands for a bug below the port (an adapter that throws what it should have translated).
   */
  failNext(operation: string, fail: Error, count = 1, match?: (input: any) => boolean): this {
    for (let i = 0; i < count; i += 1) this.queue(operation).push({ step: { fail }, match });
    return this;
  }

  /** The next call of `operation` (whose input matches) waits until `promise` settles, then answers as usual. */
  holdNext(operation: string, promise: Promise<unknown>, match?: (input: any) => boolean): this {
    this.queue(operation).push({ step: { wait: promise }, match });
    return this;
  }

  callsOf(operation: string): unknown[] {
    return this.calls.filter((call) => call.operation === operation).map((call) => call.input);
  }

  private latencyMs = 0;
  private readonly inFlight = new Map<string, number>();
  private readonly peaks = new Map<string, number>();

  /** Every later call answers after this many milliseconds, as a service at a distance does. */
  answerAfter(ms: number): this {
    this.latencyMs = ms;
    return this;
  }

  /** The most calls of these operations that were in flight at once. */
  peakInFlight(...operations: string[]): number {
    return this.peaks.get(operations.sort().join()) ?? 0;
  }

  protected async call(operation: string, input: unknown): Promise<void> {
    this.calls.push({ operation, input });
    const counted = [...this.peakKeys(operation)];
    for (const key of counted) {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
      this.peaks.set(key, Math.max(this.peaks.get(key) ?? 0, this.inFlight.get(key) ?? 0));
    }
    try {
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      const queue = this.queue(operation);
      const index = queue.findIndex(({ match }) => match === undefined || match(input));
      if (index < 0) return;
      const [{ step }] = queue.splice(index, 1) as [{ step: Step }];
      if ('fail' in step) throw step.fail;
      await step.wait;
    } finally {
      for (const key of counted) this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
    }
  }

  /** The operation alone, and Glue's reads together (GetJob and GetJobRuns share a gate in round trip 1). */
  private *peakKeys(operation: string): Iterable<string> {
    yield operation;
    if (operation === 'GetJob' || operation === 'GetJobRuns') yield 'GetJob,GetJobRuns';
  }

  private queue(operation: string) {
    const queue = this.steps.get(operation) ?? [];
    this.steps.set(operation, queue);
    return queue;
  }
}

interface LostStart {
  readonly kind: 'no-answer' | 'server-error' | 'unreadable';
  readonly landsAfterMs: number;
  readonly behindMs: number;
}

/** What the SDK makes of each way an answer is lost (aws/failure.ts). */
const LOST_ANSWERS: Readonly<Record<LostStart['kind'], string>> = {
  'no-answer': 'TimeoutError: request timed out',
  'server-error': 'InternalServiceException (HTTP 500)',
  unreadable: 'SyntaxError: Unexpected end of JSON input',
};

/** Glue in memory: jobs, runs newest first, and a start that records its run, as the real one does. */
export class FakeGlue extends Scripted implements JobService {
  readonly jobs = new Map<string, GlueJob>();
  private readonly runs = new Map<string, RecentRun[]>();
  private started = 0;

  constructor(jobs: readonly GlueJob[] = []) {
    super();
    for (const job of jobs) this.jobs.set(job.name, job);
  }

  /** Runs of the job, newest first (as GetJobRuns lists them). */
  runsOf(jobName: string): RecentRun[] {
    return this.runs.get(jobName) ?? [];
  }

  /** A run started by someone else, or by an earlier invocation (now, unless said otherwise). */
  addRun(jobName: string, id: string, args: Arguments, startedOn = new Date()): void {
    this.runs.set(jobName, [{ id, startedOn, arguments: args }, ...this.runsOf(jobName)]);
  }

  async getJob(jobName: string): Promise<GlueJob> {
    await this.call('GetJob', jobName);
    const job = this.jobs.get(jobName);
    if (!job) throw failure('GetJob', 'not-found', `EntityNotFoundException: Job ${jobName} not found`);
    return job;
  }

  private endlessPages = false;

  /** From now on GetJobRuns answers empty pages, each with a next token: a service that never reaches the end. */
  pageWithoutEnd(): this {
    this.endlessPages = true;
    return this;
  }

  /** Pages of runs, newest first; the next token is the offset of the next page, as the stand-in's is. */
  async jobRuns(jobName: string, pageSize: number, nextToken?: string): Promise<JobRunsPage> {
    await this.call('GetJobRuns', nextToken === undefined ? { jobName, pageSize } : { jobName, pageSize, nextToken });
    if (pageSize < 1 || pageSize > 200) {
      // As Glue: MaxResults is 1 to 200 (the service model's range).
      throw failure('GetJobRuns', 'refused', 'InvalidInputException: MaxResults must be between 1 and 200');
    }
    if (this.endlessPages) return { runs: [], nextToken: 'more' };
    const from = Number(nextToken ?? 0);
    const all = this.runsOf(jobName);
    const next = from + pageSize < all.length ? String(from + pageSize) : undefined;
    return { runs: all.slice(from, from + pageSize), nextToken: next };
  }

  private readonly lostStarts: LostStart[] = [];

  /**
   * The next StartJobRun takes effect but its answer is lost, as Glue may act on a request whose answer never
   * arrives: the call fails as `kind` says (no answer, a 5xx, a 200 that could not be read), and its run lands
   * `landsAfterMs` later (at once by default), listed with a StartedOn `behindMs` behind the launcher's clock.
   */
  loseNextStart({ kind = 'no-answer', landsAfterMs = 0, behindMs = 0 }: Partial<LostStart> = {}): this {
    this.lostStarts.push({ kind, landsAfterMs, behindMs });
    return this;
  }

  async startJobRun(run: JobRunStart): Promise<string> {
    // As the SDK: a request that cannot be serialized fails before it is sent (aws/failure.ts calls it local).
    try {
      JSON.stringify(run);
    } catch (error) {
      throw failure('StartJobRun', 'local', describeCause(error));
    }
    await this.call('StartJobRun', run);
    this.started += 1;
    const id = `jr_${run.jobName}_${this.started}`;
    const lost = this.lostStarts.shift();
    if (lost === undefined) {
      this.addRun(run.jobName, id, run.arguments);
      return id;
    }
    const land = () => this.addRun(run.jobName, id, run.arguments, new Date(Date.now() - lost.behindMs));
    if (lost.landsAfterMs > 0) setTimeout(land, lost.landsAfterMs);
    else land();
    throw failure('StartJobRun', lost.kind, LOST_ANSWERS[lost.kind]);
  }

  /** The StartJobRun calls that were made, in order. */
  get starts(): JobRunStart[] {
    return this.callsOf('StartJobRun') as JobRunStart[];
  }
}

/**
 * A CodeArtifact repository in memory: one endpoint, the same token every time, with a fixed expiry. A test may
 * change either answer to see what the launcher makes of it.
 */
export class FakeRepository extends Scripted implements PrivateRepository {
  endpoint = ENDPOINT;
  /** What the next tokens are, when a test sets it (a short-lived one, say); else TOKEN, `durationSeconds` long. */
  token: AuthorizationToken | undefined;

  async repositoryEndpoint(): Promise<string> {
    await this.call('GetRepositoryEndpoint', undefined);
    return this.endpoint;
  }

  async authorizationToken(durationSeconds: number): Promise<AuthorizationToken> {
    await this.call('GetAuthorizationToken', durationSeconds);
    if (durationSeconds !== 0 && (durationSeconds < 900 || durationSeconds > 43_200)) {
      const detail = `ValidationException: durationSeconds ${durationSeconds} is not 0 or between 900 and 43200`;
      throw failure('GetAuthorizationToken', 'refused', detail);
    }
    // Duration 0: as long as the role session, which the launcher never asks for (docs/adr/0005).
    return this.token ?? { token: TOKEN, expiresAt: durationSeconds === 0 ? EXPIRES : expiresAfter(durationSeconds) };
  }

  /** The durations asked for, in order. */
  get durations(): number[] {
    return this.callsOf('GetAuthorizationToken') as number[];
  }
}

/** S3 in memory, for requirements files: objects by `s3://bucket/key`. */
export class FakeStore extends Scripted implements RequirementsStore {
  /** Objects by URI: text is stored as UTF-8, bytes as they are (a file in another encoding). */
  readonly objects = new Map<string, string | Uint8Array>();
  /** Each object's user metadata, by URI, as the last write gave it. */
  readonly userMetadata = new Map<string, Readonly<Record<string, string>>>();

  async write(bucket: string, key: string, body: string, metadata?: Readonly<Record<string, string>>): Promise<void> {
    await this.call('PutObject', { bucket, key });
    this.objects.set(`s3://${bucket}/${key}`, body);
    if (metadata === undefined) this.userMetadata.delete(`s3://${bucket}/${key}`);
    else this.userMetadata.set(`s3://${bucket}/${key}`, metadata);
  }

  async metadata(bucket: string, key: string): Promise<Readonly<Record<string, string>>> {
    const uri = `s3://${bucket}/${key}`;
    await this.call('HeadObject', uri);
    if (!this.objects.has(uri)) throw failure('HeadObject', 'denied', 'Forbidden: UnknownError');
    return this.userMetadata.get(uri) ?? {};
  }

  async read(uri: string, maxBytes: number): Promise<StoredBytes> {
    await this.call('GetObject', uri);
    const body = this.objects.get(uri);
    // As S3 answers a role without s3:ListBucket (the launcher's): a missing key is 403, not 404.
    if (body === undefined) throw failure('GetObject', 'denied', 'AccessDenied: Access Denied');
    const bytes = typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : body;
    return bytes.length > maxBytes ? { tooLarge: true } : { bytes };
  }
}

/**
 * The lock in memory, with the DynamoDB layer's rules (test/integration/ports.test.ts holds the two together): a
 * key is taken when free, when its record expired, or when its hold ran out; the digest must match a record's.
 */
export class FakeLock extends Scripted implements LaunchLock {
  /** Records by job and key (`job\u0000key`), as the table holds one per LockKey. */
  readonly records = new Map<
    string,
    { digest: string; status: 'INPROGRESS' | 'COMPLETED'; until: number; run?: RecordedRun }
  >();

  /** The record of a job's key, for tests to look at or to set up. */
  static id = ({ jobName, key }: LockKey) => `${jobName}\u0000${key}`;

  async acquire(lockKey: LockKey, digest: string, holdMs: number): Promise<LockOutcome> {
    await this.call('PutItem', { ...lockKey, holdMs });
    const record = this.records.get(FakeLock.id(lockKey));
    const free = record === undefined || (record.status === 'INPROGRESS' && record.until < Date.now());
    if (free) {
      this.records.set(FakeLock.id(lockKey), { digest, status: 'INPROGRESS', until: Date.now() + holdMs });
      return { kind: 'acquired' };
    }
    if (record.digest !== digest) return { kind: 'conflict' };
    return record.status === 'COMPLETED'
      ? { kind: 'completed', run: record.run as RecordedRun }
      : { kind: 'in-progress' };
  }

  async complete(lockKey: LockKey, digest: string, run: RecordedRun): Promise<void> {
    await this.call('UpdateItem', lockKey);
    this.records.set(FakeLock.id(lockKey), { digest, status: 'COMPLETED', until: Number.POSITIVE_INFINITY, run });
  }

  async release(lockKey: LockKey): Promise<void> {
    await this.call('DeleteItem', lockKey);
    this.records.delete(FakeLock.id(lockKey));
  }
}

export const REQUIREMENTS = { bucket: 'launcher-requirements', prefix: 'glue-launcher/' };

export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

export class RecordingLogger implements LaunchLogger {
  readonly records: LogRecord[] = [];
  debug = (message: string, attributes: Record<string, unknown>) => this.record('debug', message, attributes);
  info = (message: string, attributes: Record<string, unknown>) => this.record('info', message, attributes);
  warn = (message: string, attributes: Record<string, unknown>) => this.record('warn', message, attributes);
  error = (message: string, attributes: Record<string, unknown>) => this.record('error', message, attributes);

  private record(level: LogRecord['level'], message: string, attributes: Record<string, unknown>) {
    this.records.push({ level, message, attributes });
  }
}

/** The counts a launch reported, summed. */
export class RecordingMetrics implements LaunchMetrics {
  readonly counts = { started: 0, reused: 0, tokenSeconds: 0 };
  runsStarted(count: number): void {
    this.counts.started += count;
  }
  runsReused(count: number): void {
    this.counts.reused += count;
  }
  tokenRequested(seconds: number): void {
    this.counts.tokenSeconds += seconds;
  }
}

export const JOB_NAMES = ['nightly-etl', 'hourly-etl', 'busy-job'];

export const CONFIG: LaunchConfig = {
  allowlist: { any: false, names: new Set(JOB_NAMES), prefixes: [] },
  argumentPolicy: { mode: 'safe', maxDpu: 10 },
  pipIndexOption: 'index-url',
  tokenDuration: 'auto',
  maxParallelStarts: 5,
  domain,
  repository,
};

export interface TestLauncher {
  readonly glue: FakeGlue;
  readonly repository: FakeRepository;
  readonly store: FakeStore;
  readonly locks: FakeLock;
  readonly logger: RecordingLogger;
  readonly metrics: RecordingMetrics;
  readonly deps: LaunchDeps;
  /** Launches a plan as one invocation of this container, with `remainingMs` of the function's time left. */
  readonly launch: (plan: LaunchPlan, remainingMs?: number) => Promise<LaunchResult>;
}

/** One container over fakes: every job of JOB_NAMES exists as a Spark job, starts land, tokens come. */
export const testLauncher = (
  {
    tokenDelivery = 'arguments',
    lock = false,
    startEffectWindowMs = 0,
    clock = Date.now,
    ...config
  }: Partial<LaunchConfig> & {
    /** The launcher's clock: the machine's, or one a test holds still. */
    clock?: () => number;
    tokenDelivery?: TokenDeliveryMode;
    lock?: boolean;
    /** How long a StartJobRun may take effect after it was sent: none by default, so that tests do not wait. */
    startEffectWindowMs?: number;
  } = {},
  jobs = JOB_NAMES.map((name) => sparkJob(name)),
) => {
  const glue = new FakeGlue(jobs);
  const repository = new FakeRepository();
  const store = new FakeStore();
  const locks = new FakeLock();
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const all = { ...CONFIG, ...config };
  const deps: LaunchDeps = {
    jobs: glue,
    repository,
    endpoint: cachedEndpoint(repository),
    config: all,
    logger,
    metrics,
    delivery: tokenDelivery === 'arguments' ? { mode: tokenDelivery } : { mode: tokenDelivery, location: REQUIREMENTS },
    files: store,
    lock: lock ? locks : undefined,
    jobTimeouts: new Map(),
    clock,
    backoffMs: () => 0,
    startEffectWindowMs,
  };
  return {
    glue,
    repository,
    store,
    locks,
    logger,
    metrics,
    deps,
    launch: (plan: LaunchPlan, remainingMs?: number) =>
      launch(plan, deps, { remainingMs: () => remainingMs ?? Number.POSITIVE_INFINITY }),
  } satisfies TestLauncher;
};

/** A plan of one request, or a batch. */
export const single = (request: LaunchRequest): LaunchPlan => ({ batch: false, requests: [request] });
export const batchOf = (...requests: LaunchRequest[]): LaunchPlan => ({ batch: true, requests });

/** The error a promise rejected with, or a failed assertion if it resolved. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
};
