import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { handlerBundle } from '../../scripts/bundle-options.mjs';
import { LAMBDA_CONTEXT, LAMBDA_ENV } from './fixtures';
import { projectRoot } from './root';

/** The handler bundle of a deployment with Glue and CodeArtifact alone. */
export const BUNDLE = join(projectRoot(), 'dist/handler.cjs');

/** The standing refresher's bundle: its own function in template.yaml (docs/standing-files.md). */
export const REFRESHER_BUNDLE = join(projectRoot(), 'dist/handler-standing.cjs');

/**
 * The handler bundle template.yaml deploys for these variables: with S3 for a delivery that writes requirements
 * files or for standing jobs, with DynamoDB for the lock (docs/adr/0015-a-handler-bundle-per-deployment.md).
 */
export const bundleFor = (env: Readonly<Record<string, string | undefined>>): string => {
  const s3 =
    env.TOKEN_DELIVERY === 'requirements-file' || env.TOKEN_DELIVERY === 'auto' || Boolean(env.STANDING_JOB_NAMES);
  return join(projectRoot(), `dist/${handlerBundle({ s3, lock: Boolean(env.IDEMPOTENCY_TABLE) })}.cjs`);
};

export interface BundleInvocation {
  readonly result?: unknown;
  /** As Lambda's Node.js runtime reports it (its Errors.toRapidResponse): the name, the message, the stack's lines. */
  readonly error?: { readonly name: string; readonly message: string; readonly trace: readonly string[] };
  /** Everything the function wrote (its logs), apart from the driver's own last line. */
  readonly logs: string;
  readonly durationMs: number;
  /** The handler's own time, measured inside the process. */
  readonly handlerMs?: number;
  /** Modules of the bundle's folder loaded after init (not in full when the import returned), by this invocation's end. */
  readonly loadedLater?: readonly string[];
  /** The Node the container ran on (`process.version`). */
  readonly node?: string;
}

export interface InvokeOptions {
  /** Milliseconds the Lambda-like context says are left (`getRemainingTimeInMillis`), counting down. */
  readonly timeoutMs?: number;
  readonly bundle?: string;
}

const OUTCOME = '\n@@outcome ';

/**
 * Invokes the built bundle once, in a fresh Node process (a cold container) with exactly this environment (plus
 * PATH and what Lambda's runtime sets); `durationMs` counts the process start and the import too.
 */
export const invokeBundle = async (
  event: unknown,
  env: Record<string, string>,
  options: InvokeOptions = {},
): Promise<BundleInvocation> => {
  const started = performance.now();
  const session = new BundleSession(env, options);
  try {
    const invocation = await session.invoke(event, options.timeoutMs);
    return { ...invocation, durationMs: performance.now() - started };
  } finally {
    await session.close();
  }
};

// The bundle loaded once, as Lambda's runtime would (a container), then one invocation per stdin line, each
// with a Lambda-like context; each outcome printed as a marked line after the function's own output.
const SESSION_DRIVER = `
import { createRequire } from 'node:module';
import { dirname, relative } from 'node:path';
import { createInterface } from 'node:readline';
const [bundle] = process.argv.slice(1);
// As Lambda's Node.js runtime loads a handler file: require() for CommonJS, import() for an ES module.
const require = createRequire(import.meta.url);
const { handler } = bundle.endsWith('.cjs') ? require(bundle) : await import(bundle);
// What the import loaded in full by the time it returned; a module loaded after is paid by an invocation.
const modules = require.cache;
const atInit = new Set(Object.keys(modules).filter((path) => modules[path].loaded));
for await (const line of createInterface({ input: process.stdin })) {
  const { event, timeoutMs } = JSON.parse(line);
  const deadline = Date.now() + timeoutMs;
  const context = {
    ...${JSON.stringify(LAMBDA_CONTEXT)},
    awsRequestId: crypto.randomUUID(), getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let outcome;
  const started = performance.now();
  try { outcome = { result: await handler(event, context) }; }
  catch (error) {
    outcome = { error: { name: error.name, message: error.message, trace: String(error.stack ?? '').split('\\n') } };
  }
  outcome.handlerMs = performance.now() - started;
  outcome.node = process.version;
  outcome.loadedLater = Object.keys(modules).filter((path) => !atInit.has(path)).map((path) => relative(dirname(bundle), path));
  process.stdout.write(${JSON.stringify(OUTCOME)} + JSON.stringify(outcome) + '\\n');
}
process.exit(0); // keep-alive sockets must not hold the container open once its input ends
`;

/**
 * JSON on one line as readline reads lines: JSON.stringify leaves U+2028 and U+2029 as they are, and readline ends a
 * line at either, so they go escaped (the same string once parsed).
 */
const oneLine = (value: unknown): string =>
  JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

/**
 * A warm container: the bundle loaded once in a child process, invoked many times, one at a time. The process
 * gets exactly the given environment, PATH, and the variables Lambda's runtime sets.
 */
export class BundleSession {
  private buffer = '';
  private stderr = '';
  private readonly waiting: Array<{ resolve: (i: BundleInvocation) => void; reject: (e: Error) => void }> = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(env: Record<string, string>, options: InvokeOptions = {}) {
    const bundle = options.bundle ?? bundleFor(env);
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run "npm run build" first`);
    this.child = spawn(process.execPath, ['--input-type=module', '-e', SESSION_DRIVER, bundle], {
      env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENV, ...env },
    });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.read(chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.child.on('exit', (code, signal) => {
      this.exited = new Error(`the bundle session exited (${code ?? signal}): ${this.stderr}`);
      for (const { reject } of this.waiting.splice(0)) reject(this.exited);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private started = 0;
  /** Set when the container's process has ended: later invocations fail at once instead of waiting forever. */
  private exited: Error | undefined;

  private read(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const marker = this.buffer.indexOf(OUTCOME);
      const end = marker < 0 ? -1 : this.buffer.indexOf('\n', marker + OUTCOME.length);
      if (end < 0) return;
      const outcome = JSON.parse(this.buffer.slice(marker + OUTCOME.length, end));
      const logs = this.buffer.slice(0, marker) + this.stderr;
      this.buffer = this.buffer.slice(end + 1);
      this.stderr = '';
      this.waiting.shift()?.resolve({ ...outcome, logs, durationMs: performance.now() - this.started });
    }
  }

  /** Invokes once; invocations queue, as in one Lambda container. */
  invoke(event: unknown, timeoutMs = 60_000): Promise<BundleInvocation> {
    const next = this.queue.then(
      () =>
        new Promise<BundleInvocation>((resolve, reject) => {
          if (this.exited) {
            reject(this.exited);
            return;
          }
          this.waiting.push({ resolve, reject });
          this.started = performance.now();
          this.child.stdin.write(`${oneLine({ event, timeoutMs })}\n`);
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) {
        resolve();
        return;
      }
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }
}
