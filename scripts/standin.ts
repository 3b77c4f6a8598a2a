/**
 * `npm run standin`: the local stand-in as a command, for trying the launcher by hand. It prints the environment
 * that points the launcher (and any AWS SDK or CLI) at it; paste it into another shell, then
 * `npm run invoke -- events/<file>.json --account` (the account is the stand-in's, through the endpoints it printed). Ctrl-C stops it.
 */
import { StandIn } from '../local/standin/server';
import { parseCommandLine, runTool, UsageError } from '../local/tools/cli';
import { ALL_DEMO_JOBS, demoJob, launcherEnvironment, REQUIREMENTS_BUCKET } from '../local/tools/fixtures';

const USAGE = `usage: npm run standin [-- --port N] [-- --job NAME ...]

Serves Glue, CodeArtifact, S3 and a private PyPI index on 127.0.0.1 until Ctrl-C, and prints the environment
that points the launcher at it (with a requirements bucket, for TOKEN_DELIVERY=requirements-file or auto).
  --port N     listen on N (default: a free port)
  --job NAME   create a demo job NAME (repeatable; default: every job the sample events name,
               ${ALL_DEMO_JOBS.join(', ')}; ${ALL_DEMO_JOBS.at(-1)} is Python shell 3.9, any other name Glue 5.0 Spark)`;

/** A value a POSIX shell reads back as it is. */
const shellQuoted = (value: string) => (/^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

const main = async (): Promise<number> => {
  const { values } = parseCommandLine(
    process.argv.slice(2),
    { port: { type: 'string' }, job: { type: 'string', multiple: true } },
    USAGE,
  );
  if (values.port !== undefined && !/^\d+$/.test(values.port))
    throw new UsageError(`--port ${values.port} is not a port number`);
  const names = values.job ?? [...ALL_DEMO_JOBS];
  const standIn = await StandIn.start({ port: Number(values.port ?? 0), install: 'pip' });
  for (const name of names) standIn.createJob(demoJob(name));
  standIn.s3.createBucket(REQUIREMENTS_BUCKET);
  console.log(`stand-in listening on ${standIn.url}; jobs: ${names.join(', ')}; bucket: ${REQUIREMENTS_BUCKET}`);
  console.log(
    "# the launcher's environment: paste into another shell, then npm run invoke -- events/empty.json --account (its endpoints are the stand-in's)",
  );
  for (const [key, value] of Object.entries(launcherEnvironment(standIn, names))) {
    console.log(`export ${key}=${shellQuoted(value)}`);
  }
  console.log(`# to keep the token out of the run's arguments: export TOKEN_DELIVERY=requirements-file`);
  console.log(`export REQUIREMENTS_BUCKET=${REQUIREMENTS_BUCKET}`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  await standIn.stop();
  return 0;
};

runTool(main, USAGE);
