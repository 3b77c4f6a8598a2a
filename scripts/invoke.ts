/**
 * `npm run invoke -- events/<file>.json [--local] [--env-file FILE] [--wait]`: runs the bundled handler
 * in-process the way `sam local invoke` would: a Lambda-like context, the environment of template.yaml (its
 * parameter defaults, then this shell's variables, then --env-file), against real AWS with the default
 * credential chain, or with --local against the local stand-in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTemplate } from '../local/cloudformation';
import { BUNDLE } from '../local/invoke';
import { projectRoot } from '../local/root';
import { StandIn } from '../local/standin';

// The SDK's notice that it will need Node 22 in 2027 is noise here; Lambda runs Node 24.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = projectRoot();
const FUNCTION = 'GlueLauncherFunction';
const USAGE = `usage: npm run invoke -- <event.json> [--local] [--env-file FILE] [--wait]

  <event.json>     the event, e.g. events/step-functions-request.json
  --local          against the local stand-in (demo jobs nightly-etl and hourly-etl), not AWS
  --env-file FILE  variables for the function: SAM's --env-vars JSON ({"${FUNCTION}": {...}}),
                   a flat JSON object, or KEY=VALUE lines
  --wait           with --local, wait for the started runs to end and print their state`;

class UsageError extends Error {}

interface Options {
  event: string;
  local: boolean;
  envFile?: string;
  wait: boolean;
}

const parseArgs = (argv: readonly string[]): Options => {
  const options: Partial<Options> = { local: false, wait: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--local') options.local = true;
    else if (arg === '--wait') options.wait = true;
    else if (arg === '--env-file' && argv[i + 1]) options.envFile = argv[++i];
    else if (!arg.startsWith('-') && options.event === undefined) options.event = arg;
    else throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
  }
  if (options.event === undefined) throw new UsageError('which event? give a file, e.g. events/empty.json');
  return options as Options;
};

const readJson = (file: string, what: string): unknown => {
  const path = join(ROOT, file);
  if (!existsSync(path)) throw new UsageError(`no ${what} ${file}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
};

/** The function's variables as template.yaml sets them, with each parameter at its default. */
const templateEnvironment = (): { env: Record<string, string>; timeoutSeconds: number } => {
  const template = loadTemplate();
  const resolve = (value: unknown): string | undefined => {
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    const ref = (value as { Ref?: string } | undefined)?.Ref;
    if (ref !== undefined) return template.Parameters[ref]?.Default?.toString();
    const join = (value as { 'Fn::Join'?: [string, unknown] } | undefined)?.['Fn::Join'];
    return join ? resolve(join[1]) : undefined;
  };
  type FunctionProperties = { Environment?: { Variables?: Record<string, unknown> }; Timeout?: number };
  const fn = (template.Resources[FUNCTION] as { Properties?: FunctionProperties }).Properties ?? {};
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(fn.Environment?.Variables ?? {})) {
    const resolved = resolve(value);
    if (resolved !== undefined && resolved !== '') env[name] = resolved;
  }
  return { env, timeoutSeconds: Number(fn.Timeout ?? 120) };
};

const envFile = (file: string): Record<string, string> => {
  const path = join(ROOT, file);
  if (!existsSync(path)) throw new UsageError(`no env file ${file}`);
  const text = readFileSync(path, 'utf8');
  if (text.trim().startsWith('{')) {
    const json = JSON.parse(text) as Record<string, unknown>;
    const scoped = (json[FUNCTION] ?? json.Parameters ?? json) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(scoped).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#') && line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')).replace(/^export\s+/, ''), line.slice(line.indexOf('=') + 1)]),
  );
};

const main = async (): Promise<number> => {
  const options = parseArgs(process.argv.slice(2));
  const event = readJson(options.event, 'event file');
  const { env: fromTemplate, timeoutSeconds } = templateEnvironment();
  const fromShell = Object.fromEntries(
    Object.keys(fromTemplate).flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
  );
  const env: Record<string, string> = {
    ...fromTemplate,
    ...fromShell,
    ...(options.envFile ? envFile(options.envFile) : {}),
  };

  let standIn: StandIn | undefined;
  if (options.local) {
    standIn = await StandIn.start({ install: 'pip' });
    env.GLUE_JOB_NAME ??= 'nightly-etl';
    env.ALLOWED_JOB_NAMES ??= 'nightly-etl,hourly-etl';
    const pkg = standIn.packages[0];
    for (const name of new Set(
      [env.GLUE_JOB_NAME, ...env.ALLOWED_JOB_NAMES.split(',')].filter((n) => n && n !== '*'),
    )) {
      standIn.createJob({
        Name: name.trim(),
        Command: { Name: 'glueetl' },
        Timeout: 120,
        ExecutionProperty: { MaxConcurrentRuns: 10 },
        DefaultArguments: { '--additional-python-modules': `${pkg?.name}==${pkg?.version}` },
      });
    }
    Object.assign(env, standIn.env());
    console.error(`local stand-in on ${standIn.url}; jobs: ${env.ALLOWED_JOB_NAMES}`);
  }
  try {
    if (!existsSync(BUNDLE)) throw new UsageError(`${BUNDLE} is missing: run npm run build`);
    Object.assign(process.env, env);
    const { handler } = await import(pathToFileURL(BUNDLE).href);
    const deadline = Date.now() + timeoutSeconds * 1000;
    const context = {
      functionName: 'glue-launcher',
      functionVersion: '$LATEST',
      memoryLimitInMB: '128',
      invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:glue-launcher',
      awsRequestId: crypto.randomUUID(),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    try {
      const result = await handler(event, context);
      console.log(JSON.stringify(result, null, 2));
      if (standIn && options.wait) {
        const r = result as { jobRunId?: string; runs?: Array<{ jobRunId?: string }> };
        for (const id of [r.jobRunId, ...(r.runs ?? []).map((run) => run.jobRunId)].filter((x): x is string => !!x)) {
          const run = await standIn.waitForRun(id);
          console.log(`${run.JobName} ${id}: ${run.JobRunState}${run.ErrorMessage ? ` (${run.ErrorMessage})` : ''}`);
        }
      }
      return 0;
    } catch (error) {
      const { name, message } = error as Error;
      console.error(`${name}: ${message}`);
      return 1;
    }
  } finally {
    await standIn?.stop();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof UsageError ? `${error.message}\n\n${USAGE}` : String((error as Error).stack ?? error),
    );
    process.exit(2);
  },
);
