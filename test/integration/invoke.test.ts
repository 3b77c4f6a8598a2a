import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SAFE_ENV } from '../../local/tools/fixtures';

// `npm run invoke`: the bundle in-process, as `sam local invoke` would run it.
jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '../..');
const TOOL = join(ROOT, 'dist/tools/invoke.cjs');

type Outcome = { code: number; stdout: string; stderr: string };

const run = (command: string, args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<Outcome> =>
  new Promise((done) => {
    execFile(
      command,
      args,
      { cwd, timeout: 50_000, env: { PATH: process.env.PATH ?? '', ...SAFE_ENV, ...env } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
const invoke = (...args: string[]) => run(process.execPath, [TOOL, ...args]);

describe('npm run invoke', () => {
  it('--local prints the logs, then the run id, and --wait the run’s end', async () => {
    const { code, stdout, stderr } = await invoke('events/step-functions-request.json', '--local', '--wait');
    expect(stdout).toMatch(/"message":"Job run started"/);
    expect(stderr).toMatch(
      /^metrics RunsStarted=1 RunsReused=0 LaunchesFailed=0 RequestsRefused=0 TokenSecondsRequested=4500 \(GlueLauncher; service=glue-launcher\)$/m,
    );
    expect(stdout).toMatch(/"jobRunId": "jr_[0-9a-f]{64}"/);
    expect(stdout).toMatch(/nightly-etl jr_[0-9a-f]{64}: SUCCEEDED/);
    expect(code).toBe(0);
  });

  it('reports a cold start on its first (and only) invocation, as Lambda would', async () => {
    const { stdout } = await invoke('events/empty.json', '--local');
    const started = stdout.split('\n').find((line) => line.includes('"Job run started"')) as string;
    expect(JSON.parse(started)).toMatchObject({ cold_start: true, function_name: 'glue-launcher' });
  });

  it('takes the environment from template.yaml, so without one it says which variables are missing', async () => {
    const { code, stderr } = await invoke('events/empty.json', '--account');
    expect(stderr).toMatch(
      /^ConfigError: Invalid configuration: CODEARTIFACT_DOMAIN \(template parameter CodeArtifactDomain\) is not set/m,
    );
    expect(code).toBe(1);
  });

  it('reads --env-vars in SAM’s format, also through npm, whose Node does not take it for its own flag', async () => {
    for (const { code, stderr } of [
      await invoke('events/empty.json', '--account', '--env-vars', 'test/fixtures/env-vars.json'),
      await run('npm', [
        'run',
        '--silent',
        'invoke',
        '--',
        'events/empty.json',
        '--account',
        '--env-vars',
        'test/fixtures/env-vars.json',
      ]),
    ]) {
      // The file sets a bad token duration: the function reads it and refuses it, before any AWS call.
      expect(stderr).toMatch(
        /^ConfigError: Invalid configuration: TOKEN_DURATION_SECONDS="60" \(template parameter TokenDurationSeconds\) is not valid/m,
      );
      expect(code).toBe(1);
    }
    const { code, stderr } = await invoke(
      'events/empty.json',
      '--account',
      '--env-file',
      'test/fixtures/env-vars.json',
    );
    expect(stderr).toMatch(/^--env-file is Node\.js’s own flag; give the function’s variables with --env-vars FILE/);
    expect(code).toBe(2);
  });

  it('finds the event by an absolute path, and by a path relative to where npm was run', async () => {
    const absolute = await invoke(join(ROOT, 'events/empty.json'), '--local');
    expect(absolute.stdout).toMatch(/"jobRunId": "jr_/);
    const fromEvents = await run(process.execPath, [TOOL, 'empty.json', '--local'], { INIT_CWD: join(ROOT, 'events') });
    expect(fromEvents.stdout).toMatch(/"jobRunId": "jr_/);
    expect(fromEvents.code).toBe(0);
  });

  it('every sample event succeeds with --local', async () => {
    const events = readdirSync(join(ROOT, 'events')).filter((file) => file.endsWith('.json'));
    expect(events.length).toBeGreaterThanOrEqual(8);
    const outcomes = await Promise.all(events.map((file) => invoke(`events/${file}`, '--local')));
    const failed = outcomes.flatMap((outcome, i) => (outcome.code === 0 ? [] : [`${events[i]}: ${outcome.stderr}`]));
    expect(failed).toEqual([]);
    for (const { stdout } of outcomes) expect(stdout).toMatch(/"jobRunId": "jr_[0-9a-f]{64}"/);
  });

  it('--local says which of your settings it replaced, by name alone for AWS_*', async () => {
    const { code, stderr } = await run(process.execPath, [TOOL, 'events/empty.json', '--local'], {
      CODEARTIFACT_DOMAIN: 'Not_A_Domain',
      AWS_SECRET_ACCESS_KEY: 'my-own-secret',
    });
    const said = stderr.split('\n').find((line) => line.startsWith('--local replaced your ')) ?? '';
    expect(said).toMatch(
      / with the stand-in's \(it serves one domain, repository and region\); without --local they are used as given$/,
    );
    expect(said).toContain('AWS_SECRET_ACCESS_KEY');
    expect(said).toContain('CODEARTIFACT_DOMAIN="Not_A_Domain"');
    expect(stderr).not.toContain('my-own-secret');
    expect(code).toBe(0);
  });

  it.each([
    ['no python3', () => undefined],
    // python3 without site-packages: a Python with no pip
    [
      'a python3 without pip',
      (bin: string) => {
        const real = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
        writeFileSync(join(bin, 'python3'), `#!/bin/sh\nexec ${real} -S "$@"\n`, { mode: 0o755 });
      },
    ],
  ])('with %s, one sentence that says what to install', async (_case, arrange) => {
    const bin = mkdtempSync(join(tmpdir(), 'no-pip-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    arrange(bin);
    const { code, stderr } = await run(process.execPath, [TOOL, 'events/empty.json', '--local'], {
      PATH: bin,
    });
    expect(stderr.trim()).toBe(
      'the local stand-in needs python3 with pip on PATH (it builds a real wheel and installs it with real pip); install them (Debian or Ubuntu: sudo apt install python3-pip) and run the command again',
    );
    expect(code).toBe(1);
  });

  it('says what is wrong with its arguments', async () => {
    const missing = await invoke('events/nope.json');
    expect(missing.stderr).toMatch(/^no event file events\/nope\.json \(looked for .*events\/nope\.json\)/);
    expect(missing.stderr).toMatch(/usage: npm run invoke/);
    expect(missing.code).toBe(2);
    const wait = await invoke('events/empty.json', '--account', '--wait');
    expect(wait.stderr).toMatch(/^--wait needs --local; against AWS, follow the run with `aws glue get-job-run`/);
    expect(wait.code).toBe(2);
    const unknown = await invoke('events/empty.json', '--locla');
    expect(unknown.stderr).toMatch(/Unknown option '--locla'/);
    expect(unknown.code).toBe(2);
    const nowhere = await invoke('events/empty.json');
    expect(nowhere.stderr).toMatch(/^say where the launch goes: --local \(the stand-in on this machine\) or --account/);
    expect(nowhere.code).toBe(2);
  });

  it('a flag npm took for itself (no -- before it) is an error, never a launch without it', async () => {
    // npm reads --local as its own --location=project and leaves no trace: the tool, told nowhere, asks.
    const local = await run('npm', ['run', '--silent', 'invoke', 'events/empty.json', '--local']);
    expect(local.stderr).toMatch(/^say where the launch goes: .*through npm, after --/);
    expect(local.code).toBe(2);
    // The others npm leaves in its environment, as npm_config_account and npm_config_wait: named. (As npm sets them
    // for `npm run invoke events/empty.json --account --wait`; one real npm run above is enough to pay for.)
    const aws = await run(process.execPath, [TOOL, 'events/empty.json'], {
      npm_lifecycle_event: 'invoke',
      npm_config_account: 'true',
      npm_config_wait: 'true',
    });
    expect(aws.stderr).toMatch(
      /^npm took --account, --wait for itself, not for the tool; put -- before the tool's arguments: npm run invoke -- <arguments> --account --wait/,
    );
    expect(aws.code).toBe(2);
  });

  it('--local keeps your allowlist: a job it refuses is refused locally too; with none set, it says it uses the demo’s', async () => {
    const refused = await run(process.execPath, [TOOL, 'events/step-functions-request.json', '--local'], {
      ALLOWED_JOB_NAMES: 'hourly-etl',
    });
    expect(refused.stderr).toMatch(/^JobNotAllowed: Job nightly-etl is not in ALLOWED_JOB_NAMES/m);
    expect(refused.code).toBe(1);
    const own = await run(process.execPath, [TOOL, 'events/empty.json', '--local'], {
      GLUE_JOB_NAME: 'team-etl',
      ALLOWED_JOB_NAMES: 'team-*',
    });
    expect(own.stdout).toMatch(/"jobName": "team-etl"/);
    expect(own.stderr).not.toMatch(/uses the demo's/);
    const none = await invoke('events/empty.json', '--local');
    expect(none.stderr).toMatch(
      /^you set neither GLUE_JOB_NAME nor ALLOWED_JOB_NAMES: --local uses the demo's, GLUE_JOB_NAME=nightly-etl ALLOWED_JOB_NAMES=nightly-etl,hourly-etl,shell-etl$/m,
    );
  });
});
