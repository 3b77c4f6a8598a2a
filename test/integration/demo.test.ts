import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTHER_PIP_OPTIONS } from '../../local/tools/fixtures';

// `npm start` is the front door: the built demo must keep working and keep the token masked.
jest.setTimeout(60_000);

const DEMO = join(__dirname, '../../dist/tools/demo.cjs');

const demo = (...args: string[]): Promise<{ code: number; output: string }> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [DEMO, ...args],
      { timeout: 50_000, env: { PATH: process.env.PATH ?? '' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });

describe('npm start', () => {
  it('--standing: the refresher writes the file, a direct start installs through it, a stale one fails', async () => {
    const { code, output } = await demo('--standing');
    expect(output).toMatch(/refresh\s+\{\} -> dist\/handler-standing\.cjs/);
    expect(output).toMatch(/metrics StandingFilesRefreshed=1 StandingRefreshFailures=0 TokenSecondsRequested=43200/);
    expect(output).toMatch(/direct run orders-etl started without the launcher: SUCCEEDED/);
    expect(output).toMatch(/pip installed acme-pipelines-1\.4\.0 through the standing file/);
    expect(output).toMatch(/arguments StartJobRun sent: none; the run read its DefaultArguments above/);
    expect(output).toMatch(
      /stale run\s+the refresher stopped, 12 h passed: the same start FAILED .*No matching distribution found for acme-pipelines==1\.4\.0/,
    );
    expect(output).toMatch(/^ {17}--index-url http:\/\/aws:\*\*\*\*@127\.0\.0\.1:\d+\/pypi\/private-pypi\/simple\/$/m);
    expect(output).toMatch(/token in logs or result: none/);
    expect(output).not.toMatch(/aws:(?!\*\*\*\*)[^@\s]+@/);
    expect(code).toBe(0);
  });

  it('--standing with --event is a usage error', async () => {
    const { code, output } = await demo('--standing', '--event', 'events/empty.json');
    expect(output).toMatch(/--standing shows standing files on their own/);
    expect(code).toBe(2);
  });

  it('shows the stale URL failing, then a launched run installing the private package', async () => {
    const { code, output } = await demo();
    expect(output).toMatch(/as-is run\s+nightly-etl started without the launcher: FAILED/);
    expect(output).toMatch(/run\s+nightly-etl jr_\w+… SUCCEEDED/);
    expect(output).toMatch(/pip installed acme-pipelines-1\.4\.0 from the private index/);
    expect(output).toMatch(
      new RegExp(
        `--index-url=http://aws:\\*\\*\\*\\*@127\\.0\\.0\\.1:\\d+/pypi/private-pypi/simple/ ${OTHER_PIP_OPTIONS}`,
      ),
    );
    expect(output).toMatch(/token in logs or result: none/);
    expect(output).toMatch(
      /metrics RunsStarted=1 RunsReused=0 LaunchesFailed=0 RequestsRefused=0 TokenSecondsRequested=4500 \(GlueLauncher; service=glue-launcher\)/,
    );
    // The stale token expired 13 h ago without moving any clock: the fresh one lives the job's 60 minutes + 15.
    const { tokenExpiresAt } = JSON.parse((/result (\{.*\})/.exec(output) as RegExpExecArray)[1] as string);
    const minutesLeft = (Date.parse(tokenExpiresAt) - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(70);
    expect(minutesLeft).toBeLessThanOrEqual(75);
    expect(output).not.toMatch(/aws:(?!\*\*\*\*)[^@\s]+@/); // every index URL shown is masked
    expect(code).toBe(0);
  });

  it('launches the Python shell 3.9 job with events/python-shell-request.json: the index in its modules value', async () => {
    const { code, output } = await demo('--event', join(__dirname, '../../events/python-shell-request.json'));
    expect(output).toMatch(/as-is run\s+shell-etl started without the launcher: FAILED .*No matching distribution/);
    expect(output).toMatch(/run\s+shell-etl jr_\w+… SUCCEEDED/);
    expect(output).toMatch(
      /--additional-python-modules\s+acme-pipelines==1\.4\.0 -i http:\/\/aws:\*\*\*\*@127\.0\.0\.1:\d+\/pypi\/private-pypi\/simple\//,
    );
    expect(output).toMatch(/token in logs or result: none/);
    expect(code).toBe(0);
  });

  it('--delivery requirements-file: no token in the run’s arguments, the S3 file holds the index, the run succeeds', async () => {
    const { code, output } = await demo('--delivery', 'requirements-file');
    expect(output).toMatch(/"tokenDelivery":"requirements-file"/);
    expect(output).toMatch(
      /--additional-python-modules\s+s3:\/\/glue-launcher-requirements\/glue-launcher\/nightly-etl\//,
    );
    expect(output).toMatch(/--python-modules-installer-option\s+-r$/m);
    expect(output).toMatch(/requirements file s3:\/\/\S+ \(no token in the arguments/);
    expect(output).toMatch(/^\s+--index-url http:\/\/aws:\*\*\*\*@127\.0\.0\.1:\d+\/pypi\/private-pypi\/simple\/$/m);
    expect(output).toMatch(/run\s+nightly-etl jr_\w+… SUCCEEDED/);
    expect(code).toBe(0);
    expect((await demo('--delivery', 'files')).output).toMatch(/--delivery takes arguments, requirements-file, auto/);
  });

  it('runs another event with --event (here by absolute path), and says why when the file is missing', async () => {
    const batch = await demo('--event', join(__dirname, '../../events/batch.json'));
    expect(batch.code).toBe(0);
    expect(batch.output.match(/ SUCCEEDED /g)).toHaveLength(2);
    const missing = await demo('--event', 'events/nope.json');
    expect(missing.code).toBe(2);
    expect(missing.output).toMatch(/no event file events\/nope\.json/);
    expect(missing.output).toMatch(/usage: npm start/);
  });

  it('an event naming a job the demo does not have: one sentence naming the demo’s jobs, nothing started', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'demo-event-')), 'payroll.json');
    writeFileSync(file, JSON.stringify({ jobName: 'payroll' }));
    const { code, output } = await demo('--event', file);
    expect(output).toMatch(
      /names payroll, which the demo does not have: its jobs are nightly-etl, hourly-etl, shell-etl; name one of them, or try your own jobs against AWS with npm run invoke/,
    );
    expect(output).not.toMatch(/^\s+at /m);
    expect(code).toBe(2);
  });
});
