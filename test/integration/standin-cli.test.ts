import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

// `npm run standin` prints an environment; pasted into another shell, it must be enough for `npm run invoke`.
jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '../..');
let standIn: ChildProcess | undefined;

afterAll(() => {
  standIn?.kill('SIGINT');
});

/** The `export KEY=value` lines, read back as a POSIX shell would (values plain or in single quotes). */
const exported = (text: string): Record<string, string> =>
  Object.fromEntries(
    [...text.matchAll(/^export (\w+)=(.*)$/gm)].map(([, key, value]) => [
      key as string,
      (value as string).startsWith("'") ? (value as string).slice(1, -1).replace(/'\\''/g, "'") : (value as string),
    ]),
  );

describe('npm run standin', () => {
  it('prints a complete environment: the launcher starts a job with it and nothing else', async () => {
    standIn = spawn(
      process.execPath,
      [join(ROOT, 'dist/tools/standin.cjs'), '--job', "team's-etl", '--job', 'hourly-etl'],
      {
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    let printed = '';
    await new Promise<void>((ready, failed) => {
      standIn?.stdout?.on('data', (chunk) => {
        printed += chunk;
        if (printed.includes('export ALLOWED_JOB_NAMES=')) ready();
      });
      standIn?.on('exit', (code) => failed(new Error(`the stand-in exited (${code}): ${printed}`)));
    });
    const env = exported(printed);
    expect(env).toMatchObject({ GLUE_JOB_NAME: "team's-etl", ALLOWED_JOB_NAMES: "team's-etl,hourly-etl" });
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(
        process.execPath,
        [join(ROOT, 'dist/tools/invoke.cjs'), 'events/empty.json', '--account'],
        { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } },
        (error, out, err) => done({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
      ),
    );
    // Nothing but the metrics record the launch published, summed up for a person.
    expect(stderr).toMatch(
      /^metrics RunsStarted=1 RunsReused=0 LaunchesFailed=0 RequestsRefused=0 TokenSecondsRequested=\d+ \(GlueLauncher; service=glue-launcher\)\n$/,
    );
    expect(JSON.parse(stdout.slice(stdout.lastIndexOf('\n{')))).toMatchObject({
      jobName: "team's-etl",
      jobRunId: expect.stringMatching(/^jr_/),
    });
    expect(code).toBe(0);
  });

  /** Starts the stand-in with this command, and resolves with its URL once it has printed its environment. */
  const started = async (command: string, args: string[]) => {
    const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } });
    let printed = '';
    await new Promise<void>((ready) => {
      child.stdout?.on('data', (chunk) => {
        printed += chunk;
        if (printed.includes('export ALLOWED_JOB_NAMES=')) ready();
      });
    });
    return { child, url: /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1] as string };
  };
  const index = (url: string) => fetch(`${url}/pypi/private-pypi/simple/`);

  it.each([
    ['SIGTERM to its npm process', 'npm', ['run', '--silent', 'standin'], 'SIGTERM'],
    ['Ctrl-C (SIGINT) to the tool', process.execPath, [join(ROOT, 'dist/tools/standin.cjs')], 'SIGINT'],
  ] as const)('stops with its server on %s', async (_how, command, args, signal) => {
    const { child, url } = await started(command, [...args]);
    await expect(index(url)).resolves.toBeDefined();
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await exited;
    // a server left behind would still answer after this
    await new Promise((done) => setTimeout(done, 500));
    await expect(index(url)).rejects.toThrow();
  });
});
