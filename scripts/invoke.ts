/**
 * `npm run invoke -- <event.json> (--local | --account) [--env-vars FILE] [--wait]`: runs the bundled handler in-process
 * the way `sam local invoke` would: Lambda's context and variables, the environment of template.yaml (its parameter
 * defaults, then this shell's variables, then --env-vars), with --local against the local stand-in, or with --account
 * against real AWS with the default credential chain. Where the launch goes is said every time: npm takes a flag
 * given before `--` for itself, and `--local` without a trace, so a default would silently send a launch meant for
 * the stand-in to the user's account.
 */
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { GlueClient } from '@aws-sdk/client-glue';
import { StandIn } from '../local/standin/server';
import { bundleFor } from '../local/tools/bundle';
import { parseCommandLine, readJsonFile, runTool, UsageError, userPath } from '../local/tools/cli';
import { launcherFunction, loadTemplate, resolveValue } from '../local/tools/cloudformation';
import {
  ALL_DEMO_JOBS,
  DEMO_JOB_NAMES,
  demoJob,
  LAMBDA_ENV,
  lambdaContext,
  REQUIREMENTS_BUCKET,
} from '../local/tools/fixtures';
import { describeMetrics, emfRecords } from '../local/tools/metrics';

const FUNCTION = 'GlueLauncherFunction';
const USAGE = `usage: npm run invoke -- <event.json> (--local | --account) [--env-vars FILE] [--wait]

  <event.json>     the event, e.g. events/step-functions-request.json (relative to where you are)
  --local          against the local stand-in (demo jobs ${ALL_DEMO_JOBS.join(', ')}), not AWS;
                   it replaces your CodeArtifact and AWS settings with its own, and says so
  --account        against your AWS account, with your credentials and region: it starts real runs
                   (or wherever your AWS_ENDPOINT_URL_* point, as npm run standin's environment does)
  --env-vars FILE  variables for the function, as sam local invoke --env-vars takes them: JSON
                   ({"${FUNCTION}": {...}} or a flat object), or KEY=VALUE lines
  --wait           with --local, wait for the started runs to end and print their state`;

/**
 * The function's variables as template.yaml sets them, with each parameter at its default, and the names of all it
 * declares (a variable whose parameter defaults to empty is still the user's to set).
 */
const templateEnvironment = (): { env: Record<string, string>; declared: string[]; timeoutSeconds: number } => {
  const template = loadTemplate();
  const fn = launcherFunction(template) as { Environment?: { Variables?: Record<string, unknown> }; Timeout?: number };
  const env: Record<string, string> = {};
  const variables = fn.Environment?.Variables ?? {};
  for (const [name, value] of Object.entries(variables)) {
    const resolved = resolveValue(template, {}, value);
    if ((typeof resolved === 'string' || typeof resolved === 'number') && resolved !== '') env[name] = String(resolved);
  }
  return { env, declared: Object.keys(variables), timeoutSeconds: Number(fn.Timeout ?? 120) };
};

/** SAM's --env-vars JSON, a flat JSON object, or KEY=VALUE lines (`export ` and comments allowed). */
const envVarsFile = (file: string): Record<string, string> => {
  const path = userPath(file);
  if (!existsSync(path)) throw new UsageError(`no env-vars file ${file} (looked for ${path})`);
  const text = readFileSync(path, 'utf8');
  if (text.trim().startsWith('{')) {
    const json = readJsonFile(file, 'env-vars file') as Record<string, unknown>;
    const scoped = (json[FUNCTION] ?? json.Parameters ?? json) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(scoped).map(([k, v]) => [k, String(v)]));
  }
  const lines = text.split('\n').map((line) => line.trim());
  return Object.fromEntries(
    lines
      .filter((line) => line && !line.startsWith('#') && line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')).replace(/^export\s+/, ''), line.slice(line.indexOf('=') + 1)]),
  );
};

/**
 * The stand-in serves one domain, repository, region and set of credentials: --local points the launcher at them,
 * over the user's own, and says which of the user's it replaced (values of the launcher's own variables; AWS_* by
 * name alone: they may be secrets). Nothing else changes: the user's allowlist and argument policy are kept, so
 * that what --local refuses is what their deployment would refuse. Only a user who set no allowlist at all gets the
 * demo's, and is told so.
 */
const startLocal = async (env: Record<string, string>, yours: Record<string, string>): Promise<StandIn> => {
  const standIn = await StandIn.start({ install: 'pip' });
  if (yours.GLUE_JOB_NAME === undefined && yours.ALLOWED_JOB_NAMES === undefined) {
    env.GLUE_JOB_NAME = DEMO_JOB_NAMES[0];
    env.ALLOWED_JOB_NAMES = ALL_DEMO_JOBS.join(',');
    console.error(
      `you set neither GLUE_JOB_NAME nor ALLOWED_JOB_NAMES: --local uses the demo's, GLUE_JOB_NAME=${env.GLUE_JOB_NAME} ALLOWED_JOB_NAMES=${env.ALLOWED_JOB_NAMES}`,
    );
  }
  // The stand-in has the demo's jobs, and a demo job of each name the user allows (a prefix or "*" names none).
  const named = [env.GLUE_JOB_NAME, ...(env.ALLOWED_JOB_NAMES ?? '').split(',')].map((n) => n?.trim() ?? '');
  for (const name of new Set([...ALL_DEMO_JOBS, ...named.filter((n) => n && !n.endsWith('*'))])) {
    standIn.createJob(demoJob(name));
  }
  // The template creates the bucket a file delivery writes to; locally, the stand-in has it.
  env.REQUIREMENTS_BUCKET ??= REQUIREMENTS_BUCKET;
  standIn.s3.createBucket(env.REQUIREMENTS_BUCKET);
  const replaced = Object.entries(standIn.env()).flatMap(([name, value]) => {
    const own = yours[name] ?? process.env[name];
    if (own === undefined || own === value) return [];
    return [name.startsWith('AWS_') ? name : `${name}=${JSON.stringify(own)}`];
  });
  Object.assign(env, standIn.env());
  console.error(`local stand-in on ${standIn.url}; jobs: ${env.ALLOWED_JOB_NAMES}`);
  if (replaced.length > 0) {
    console.error(
      `--local replaced your ${replaced.join(', ')} with the stand-in's (it serves one domain, repository and region); without --local they are used as given`,
    );
  }
  return standIn;
};

const FLAGS = {
  local: { type: 'boolean' },
  account: { type: 'boolean' },
  wait: { type: 'boolean' },
  'env-vars': { type: 'string' },
} as const;

const main = async (): Promise<number> => {
  if (process.argv.includes('--env-file')) {
    throw new UsageError('--env-file is Node.js’s own flag; give the function’s variables with --env-vars FILE');
  }
  const { values, positionals } = parseCommandLine(process.argv.slice(2), FLAGS, USAGE);
  const [eventFile, ...extra] = positionals;
  if (eventFile === undefined) throw new UsageError('which event? give a file, e.g. events/empty.json');
  if (extra.length > 0) throw new UsageError(`one event file at a time, not also ${extra.join(' ')}`);
  if (values.wait && !values.local) {
    throw new UsageError('--wait needs --local; against AWS, follow the run with `aws glue get-job-run`');
  }
  const event = readJsonFile(eventFile, 'event file');
  if (values.local === values.account) {
    throw new UsageError(
      values.local
        ? 'one of --local and --account, not both'
        : 'say where the launch goes: --local (the stand-in on this machine) or --account (your AWS account); through npm, after --: npm run invoke -- events/empty.json --local',
    );
  }
  const envVars = values['env-vars'];
  const { env: fromTemplate, declared, timeoutSeconds } = templateEnvironment();
  const fromShell = Object.fromEntries(declared.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
  const yours = { ...fromShell, ...(envVars ? envVarsFile(envVars) : {}) };
  const env: Record<string, string> = { ...LAMBDA_ENV, ...fromTemplate, ...yours };
  const standIn = values.local ? await startLocal(env, yours) : undefined;
  // Against AWS, the region the SDK would find (AWS_REGION, else the profile's), which the launcher requires set.
  if (!standIn && !process.env.AWS_REGION) {
    const region = await new GlueClient({}).config.region().catch(() => undefined);
    if (region) env.AWS_REGION = region;
  }
  try {
    // The handler bundle the template would deploy for these variables (docs/adr/0015).
    const bundle = bundleFor(env);
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build`);
    Object.assign(process.env, env);
    const { handler } = await import(pathToFileURL(bundle).href);
    const output = teeStdout();
    try {
      const result = await handler(event, lambdaContext(timeoutSeconds * 1000));
      console.log(JSON.stringify(result, null, 2));
    } catch (error) {
      console.error(`${(error as Error).name}: ${(error as Error).message}`);
      return 1;
    } finally {
      for (const record of emfRecords(output.stop())) console.error(`metrics ${describeMetrics(record)}`);
    }
    if (standIn && values.wait) await printRunEnds(standIn);
    return 0;
  } finally {
    await standIn?.stop();
  }
};

/** What the function writes, as it writes it, kept to read its metrics records afterwards. */
const teeStdout = () => {
  let text = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  return {
    stop: () => {
      process.stdout.write = write;
      return text;
    },
  };
};

const printRunEnds = async (standIn: StandIn) => {
  for (const { Id: id } of standIn.runs()) {
    const run = await standIn.waitForRun(id);
    console.log(`${run.JobName} ${id}: ${run.JobRunState}${run.ErrorMessage ? ` (${run.ErrorMessage})` : ''}`);
  }
};

runTool(main, USAGE);
