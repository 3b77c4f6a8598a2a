import { StandIn } from '../../local/standin/server';
import { BundleSession } from '../../local/tools/bundle';
import { launcherEnvironment, scheduledEvent, teamJob } from '../../local/tools/fixtures';
import { emfRecords } from '../../local/tools/metrics';
import { invokeSession } from '../helpers/stand-in';

// What CloudWatch would receive from the built bundle: one EMF record per invocation, in one warm container.
jest.setTimeout(30_000);

let standIn: StandIn;
let session: BundleSession;

beforeAll(async () => {
  standIn = await StandIn.start({ install: 'none' });
  standIn.createJob(teamJob('nightly-etl', { Timeout: 60 }));
  session = new BundleSession(launcherEnvironment(standIn, ['nightly-etl']));
});
afterAll(async () => {
  await session?.close();
  await standIn?.stop();
});

describe('metrics through the built bundle', () => {
  it('started, reused, failed: one record each, with the counts of that invocation', async () => {
    const event = scheduledEvent('metrics-1');
    const outcomes = [
      await invokeSession(standIn, session, event),
      await invokeSession(standIn, session, event),
      await invokeSession(standIn, session, { jobName: 'payroll' }),
    ];
    const metrics = outcomes.map(({ logs }) => emfRecords(logs));
    expect(metrics.map((records) => records.length)).toEqual([1, 1, 1]);
    expect(metrics.map(([record]) => record?.values)).toEqual([
      { RunsStarted: 1, RunsReused: 0, LaunchesFailed: 0, RequestsRefused: 0, TokenSecondsRequested: 60 * 60 + 900 },
      // Warm, the container knows the job's timeout and asks for the token alongside the lookup that finds the run.
      { RunsStarted: 0, RunsReused: 1, LaunchesFailed: 0, RequestsRefused: 0, TokenSecondsRequested: 60 * 60 + 900 },
      { RunsStarted: 0, RunsReused: 0, LaunchesFailed: 0, RequestsRefused: 1, TokenSecondsRequested: 0 },
    ]);
    expect(metrics.map(([record]) => [record?.namespace, record?.dimensions])).toEqual([
      ['GlueLauncher', { service: 'glue-launcher' }],
      ['GlueLauncher', { service: 'glue-launcher' }],
      ['GlueLauncher', { service: 'glue-launcher', ErrorName: 'JobNotAllowed' }],
    ]);
  });
});
