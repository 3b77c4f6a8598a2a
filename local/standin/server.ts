import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TEAM_REPOSITORY } from '../tools/fixtures';
import { Clock } from './clock';
import { CodeArtifact, type IssuedToken } from './codeartifact';
import { ServiceError } from './errors';
import { type Fault, type FaultKind, Faults } from './faults';
import { Glue, type JobDefinition, type JobRun } from './glue';
import {
  type InstallMode,
  type InstallOutcome,
  ModuleInstaller,
  type OptionSplit,
  type RequirementsMode,
  type ShellReading,
} from './installer';
import { buildWheel, type Package, PypiIndex } from './pypi';
import { decodedBody, S3, type S3Object, s3ErrorXml } from './s3';

export type Service = 'glue' | 'codeartifact' | 's3' | 'pypi';
type AwsService = Exclude<Service, 'pypi'>;

/** One request the stand-in saw, for tests and for the benchmark's round-trip count. */
export interface Call {
  readonly service: Service;
  readonly operation: string;
  readonly receivedAt: number;
  respondedAt?: number;
  status?: number;
  readonly input: Record<string, unknown>;
  fault?: Fault['kind'] | FaultKind;
}

export interface StandInOptions {
  /** 0 (default): a free port. */
  readonly port?: number;
  readonly domain?: string;
  readonly owner?: string;
  readonly repository?: string;
  readonly install?: InstallMode;
  /** The private packages the index serves. */
  readonly packages?: ReadonlyArray<{ name: string; version: string }>;
}

const SERVICE_ERRORS: Record<AwsService, Record<FaultKind, ServiceError>> = {
  glue: {
    throttle: new ServiceError('ThrottlingException', 'Rate exceeded'),
    internal: new ServiceError('InternalServiceException', 'Internal service error', 500),
    accessDenied: new ServiceError('AccessDeniedException', 'User is not authorized to perform this action'),
  },
  codeartifact: {
    throttle: new ServiceError('ThrottlingException', 'Rate exceeded', 429),
    internal: new ServiceError('InternalServerException', 'Internal server error', 500),
    accessDenied: new ServiceError('AccessDeniedException', 'User is not authorized to perform this action', 403),
  },
  s3: {
    throttle: new ServiceError('SlowDown', 'Please reduce your request rate.', 503),
    internal: new ServiceError('InternalError', 'We encountered an internal error. Please try again.', 500),
    accessDenied: new ServiceError('AccessDenied', 'Access Denied', 403),
  },
};

// SigV4, as the SDK sends it; the stand-in checks the shape and the service in the scope, not the signature.
const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=[^/\s]+\/\d{8}\/[\w-]+\/([\w-]+)\/aws4_request, ?SignedHeaders=[\w;-]+, ?Signature=[0-9a-f]{64}$/;

const readRaw = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
const readBody = async (req: IncomingMessage): Promise<string> => (await readRaw(req)).toString('utf8');

/** S3's answer to a successful call: an object's bytes, or a PutObject's ETag. */
const s3Reply = (output: unknown): { headers: Record<string, string>; body: Buffer | string } => {
  if (output && typeof output === 'object' && 'body' in output) {
    const object = output as S3Object & { range?: [number, number] };
    return {
      headers: {
        'content-type': object.contentType ?? 'binary/octet-stream',
        'content-length': String(object.body.length),
        'last-modified': object.lastModified.toUTCString(),
        ...Object.fromEntries(
          Object.entries(object.metadata ?? {}).map(([name, value]) => [`x-amz-meta-${name}`, value]),
        ),
        ...(object.range ? { 'content-range': `bytes ${object.range[0]}-${object.range[1]}/*` } : {}),
      },
      body: 'head' in object ? '' : object.body,
    };
  }
  return { headers: { etag: (output as { ETag: string }).ETag }, body: '' };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Glue, CodeArtifact and a private PyPI index on one local port, over the real wire protocols, so that the
 * real SDK and real pip talk to it. Development and test tooling only: never in the Lambda bundle.
 */
export class StandIn {
  readonly clock = new Clock();
  readonly faults = new Faults();
  readonly calls: Call[] = [];
  readonly glue: Glue;
  readonly codeartifact: CodeArtifact;
  /** Requirements files: the launcher writes them, Glue 5 runs read them. */
  readonly s3 = new S3();
  readonly packages: readonly Package[];
  private readonly installer: ModuleInstaller;
  private readonly index: PypiIndex;
  private readonly server = createServer((req, res) => void this.route(req, res));
  private readonly sockets = new Set<Socket>();
  private baseUrl = '';

  private constructor(options: StandInOptions) {
    this.installer = new ModuleInstaller(options.install ?? 'pip', (uri) => this.s3.byUri(uri)?.body);
    this.glue = new Glue(this.clock, this.installer);
    this.codeartifact = new CodeArtifact(
      this.clock,
      options.domain ?? TEAM_REPOSITORY.domain,
      options.owner ?? TEAM_REPOSITORY.owner,
      options.repository ?? TEAM_REPOSITORY.repository,
      () => this.baseUrl,
    );
    this.packages = (options.packages ?? [{ name: 'acme-pipelines', version: '1.4.0' }]).map((p) =>
      buildWheel(p.name, p.version),
    );
    this.index = new PypiIndex(this.codeartifact.repository, this.packages, (token) => this.codeartifact.isLive(token));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: StandInOptions = {}): Promise<StandIn> {
    const standIn = new StandIn(options);
    // Idle kept-alive sockets are kept a minute, not Node's 5 s: a client reusing one just as the server closed it
    // read ECONNRESET on a loaded machine, which AWS's endpoints, keeping them longer, do not cause.
    standIn.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      standIn.server.once('error', reject);
      standIn.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    standIn.baseUrl = `http://127.0.0.1:${(standIn.server.address() as AddressInfo).port}`;
    return standIn;
  }

  get url(): string {
    return this.baseUrl;
  }

  /** The private index's URL with this token in it, as the launcher and `aws codeartifact login` write it. */
  indexUrl(token: string): string {
    return `${this.baseUrl.replace('//', `//aws:${encodeURIComponent(token)}@`)}/pypi/${this.codeartifact.repository}/simple/`;
  }

  /** The environment that points the AWS SDK (and so the launcher) at this stand-in. */
  env(): Record<string, string> {
    return {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCALSTANDIN',
      AWS_SECRET_ACCESS_KEY: 'local-stand-in-secret',
      AWS_ENDPOINT_URL_GLUE: this.baseUrl,
      AWS_ENDPOINT_URL_CODEARTIFACT: this.baseUrl,
      AWS_ENDPOINT_URL_S3: this.baseUrl,
      CODEARTIFACT_DOMAIN: this.codeartifact.domain,
      CODEARTIFACT_DOMAIN_OWNER: this.codeartifact.owner,
      CODEARTIFACT_REPOSITORY: this.codeartifact.repository,
    };
  }

  createJob(job: JobDefinition): void {
    this.glue.CreateJob(job as unknown as Record<string, unknown>);
  }

  failNext(operation: string, count: number, error: FaultKind, match?: Fault['match']): void {
    this.faults.next(operation, count, { kind: 'error', error, match });
  }

  hangNext(operation: string, count = 1): void {
    this.faults.next(operation, count, { kind: 'hang' });
  }

  dropNext(operation: string, count = 1, match?: Fault['match']): void {
    this.faults.next(operation, count, { kind: 'drop', match });
  }

  slowNext(operation: string, ms: number, count = 1, match?: Fault['match']): void {
    this.faults.next(operation, count, { kind: 'slow', ms, match });
  }

  /** The next call takes effect `ms` after it was received, whatever the client does meanwhile; then it answers. */
  lateNext(operation: string, ms: number, count = 1, match?: Fault['match']): void {
    this.faults.next(operation, count, { kind: 'late', ms, match });
  }

  /** A security configuration StartJobRun may name (CreateSecurityConfiguration). */
  createSecurityConfiguration(name: string): void {
    this.glue.securityConfigurations.add(name);
  }

  /** How Python shell runs read their modules value: one pip for it all, or one per item (undocumented by AWS). */
  set pythonShellReading(reading: ShellReading) {
    this.installer.shellReading = reading;
  }

  /** How Glue hands a Spark job's installer option to pip: words split at spaces, or one argument (undocumented). */
  set installerOptionSplit(split: OptionSplit) {
    this.installer.optionSplit = split;
  }

  /** When Glue downloads the modules value as a requirements file: installer option exactly `-r`, or ending so. */
  set requirementsMode(mode: RequirementsMode) {
    this.installer.requirementsMode = mode;
  }

  /** The next call takes effect, and its 200 answer is cut off halfway through the body. */
  cutNext(operation: string, count = 1): void {
    this.faults.next(operation, count, { kind: 'cut' });
  }

  /** The next call fails with an error made from what it was sent (nothing takes effect). */
  rejectNext(operation: string, error: (input: Record<string, unknown>) => ServiceError, count = 1): void {
    this.faults.next(operation, count, { kind: 'reject', error });
  }

  /** The next call takes effect and answers 200 with its output rewritten. */
  replyNext(operation: string, output: (output: unknown) => unknown, count = 1): void {
    this.faults.next(operation, count, { kind: 'reply', output });
  }

  set holdRuns(hold: boolean) {
    this.glue.holdRuns = hold;
  }

  runs(jobName?: string): JobRun[] {
    return this.glue.allRuns(jobName);
  }

  async waitForRun(runId: string, timeoutMs = 60_000): Promise<JobRun> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`run ${runId} did not end within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.glue.settledRun(runId), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  outcomeOf(runId: string): InstallOutcome | undefined {
    return this.glue.outcomeOf(runId);
  }

  issuedTokens(): readonly IssuedToken[] {
    return this.codeartifact.issued();
  }

  callsOf(operation: string): Call[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  async stop(): Promise<void> {
    this.installer.stop();
    this.glue.holdRuns = false;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const target = req.headers['x-amz-target'];
    try {
      if (
        req.method === 'POST' &&
        url.pathname === '/' &&
        typeof target === 'string' &&
        target.startsWith('AWSGlue.')
      ) {
        const body = await readBody(req);
        await this.aws(req, res, 'glue', target.slice('AWSGlue.'.length), body ? JSON.parse(body) : {}, (input, op) =>
          this.glue.call(op, input),
        );
      } else if (url.pathname === '/v1/authorization-token' && req.method === 'POST') {
        await readBody(req);
        await this.aws(req, res, 'codeartifact', 'GetAuthorizationToken', Object.fromEntries(url.searchParams), () =>
          this.codeartifact.getAuthorizationToken(url.searchParams),
        );
      } else if (url.pathname === '/v1/repository/endpoint' && req.method === 'GET') {
        await this.aws(req, res, 'codeartifact', 'GetRepositoryEndpoint', Object.fromEntries(url.searchParams), () =>
          this.codeartifact.getRepositoryEndpoint(url.searchParams),
        );
      } else if (SIGV4.exec(String(req.headers.authorization ?? ''))?.[1] === 's3') {
        await this.s3Request(req, res);
      } else if (url.pathname.startsWith('/pypi/') && req.method === 'GET') {
        const call: Call = {
          service: 'pypi',
          operation: 'PyPI',
          receivedAt: performance.now(),
          input: { path: url.pathname },
        };
        this.calls.push(call);
        const answer = this.index.handle(url.pathname, req.headers.authorization);
        call.status = answer.status;
        call.respondedAt = performance.now();
        res.writeHead(answer.status, answer.headers).end(answer.body);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
      }
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`stand-in error: ${String(error)}\n`);
    }
  }

  /**
   * Path-style S3: `PUT /<bucket>/<key>` is PutObject, `GET /<bucket>/<key>` is GetObject. The key is read from the
   * raw path, segment by segment, as S3 does: `.` and `..` are characters of a key, not steps in a tree.
   */
  private async s3Request(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawPath = (req.url ?? '/').split('?')[0] as string;
    const [, bucket = '', ...rest] = rawPath.split('/');
    const Key = rest.map((segment) => decodeURIComponent(segment)).join('/');
    const Bucket = decodeURIComponent(bucket);
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const conditions = { ifMatch: header('if-match'), ifNoneMatch: header('if-none-match') };
    if (req.method === 'PUT') {
      const raw = await readRaw(req);
      const body = decodedBody(raw, req.headers['content-encoding']);
      const contentType = req.headers['content-type'];
      const kmsKeyId =
        header('x-amz-server-side-encryption') === 'aws:kms'
          ? (header('x-amz-server-side-encryption-aws-kms-key-id') ?? 'aws/s3')
          : undefined;
      const metadata = Object.fromEntries(
        Object.entries(req.headers)
          .filter(([name, value]) => name.startsWith('x-amz-meta-') && typeof value === 'string')
          .map(([name, value]) => [name.slice('x-amz-meta-'.length), value as string]),
      );
      await this.aws(
        req,
        res,
        's3',
        'PutObject',
        { Bucket, Key, Body: body.toString('utf8'), Metadata: metadata },
        () => this.s3.put(Bucket, Key, body, contentType, conditions, kmsKeyId, metadata),
      );
    } else if (req.method === 'HEAD') {
      // HeadObject: GetObject's answer without its body (S3 API reference, HeadObject).
      await this.aws(req, res, 's3', 'HeadObject', { Bucket, Key }, () => ({
        ...this.s3.get(Bucket, Key, conditions),
        head: true,
      }));
    } else {
      const range = /^bytes=(\d+)-(\d*)$/.exec(header('range') ?? '');
      await this.aws(req, res, 's3', 'GetObject', { Bucket, Key }, () => {
        const object = this.s3.get(Bucket, Key, conditions);
        if (!range) return object;
        const end = range[2] === '' ? object.body.length - 1 : Math.min(Number(range[2]), object.body.length - 1);
        return { ...object, body: object.body.subarray(Number(range[1]), end + 1), range: [Number(range[1]), end] };
      });
    }
  }

  private async aws(
    req: IncomingMessage,
    res: ServerResponse,
    service: AwsService,
    operation: string,
    input: Record<string, unknown>,
    run: (input: Record<string, unknown>, operation: string) => unknown,
  ): Promise<void> {
    const call: Call = { service, operation, receivedAt: performance.now(), input };
    this.calls.push(call);
    const type = service === 'glue' ? 'application/x-amz-json-1.1' : 'application/json';
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      call.respondedAt = performance.now();
      if (service === 's3') {
        const reply =
          status < 300 ? s3Reply(body) : { headers: { 'content-type': 'application/xml' }, body: String(body) };
        res
          .writeHead(status, { 'x-amz-request-id': crypto.randomUUID(), ...reply.headers, ...headers })
          .end(reply.body);
        return;
      }
      res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': crypto.randomUUID(), ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (error: ServiceError) =>
      service === 'glue'
        ? answer(error.status, { __type: error.type, Message: error.message })
        : service === 's3'
          ? answer(error.status, s3ErrorXml(error, String(input.Key ?? '')))
          : answer(error.status, { message: error.message }, { 'x-amzn-errortype': error.type });

    const scope = SIGV4.exec(String(req.headers.authorization ?? ''))?.[1];
    if (scope !== service) {
      fail(new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403));
      return;
    }
    await sleep(this.faults.latencyOf(operation));
    const fault = this.faults.take(operation, input);
    if (fault?.kind === 'hang') {
      call.fault = 'hang';
      return; // answered never; the connection closes when the client gives up or the stand-in stops
    }
    if (fault?.kind === 'error' || fault?.kind === 'reject') {
      call.fault = fault.kind === 'error' ? fault.error : 'reject';
      fail(fault.kind === 'error' ? SERVICE_ERRORS[service][fault.error] : fault.error(input));
      return;
    }
    if (fault?.kind === 'late') {
      call.fault = 'late';
      await sleep(fault.ms); // the request arrived; it takes effect only now, whatever the client did meanwhile
    }
    try {
      const output = run(input, operation);
      if (fault?.kind === 'reply') {
        call.fault = 'reply';
        answer(200, fault.output(output));
        return;
      }
      if (fault?.kind === 'cut') {
        call.fault = 'cut';
        call.status = 200;
        const body = JSON.stringify(output);
        res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
        res.write(body.slice(0, Math.floor(body.length / 2)), () => req.socket.destroy());
        return;
      }
      if (fault?.kind === 'drop') {
        call.fault = 'drop';
        call.status = 0;
        req.socket.destroy(); // done, but the answer is lost on the way back
        return;
      }
      if (fault?.kind === 'slow') {
        call.fault = 'slow';
        await sleep(fault.ms); // done; the answer comes after the client may have given up
      }
      if (req.socket.destroyed) return;
      const partial = service === 's3' && typeof output === 'object' && output !== null && 'range' in output;
      answer(partial ? 206 : 200, output);
    } catch (error) {
      if (error instanceof ServiceError) fail(error);
      else throw error;
    }
  }
}
