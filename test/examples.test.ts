import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_NAMES } from '../src/errors';
import { parseEvent } from '../src/request';

const EXAMPLES = join(__dirname, '../examples');
const read = (path: string) => readFileSync(join(EXAMPLES, path), 'utf8');

/** What a placeholder becomes at run time, for the schema check: a plausible value of its kind. */
const SAMPLE_STRING = 'arn:aws:states:eu-west-1:111122223333:execution:launch:2026-11-21';
const SAMPLE_ARGUMENTS = { '--run-date': '2026-11-21' };

/** A Step Functions payload with its `.$` paths replaced by values of the right kind. */
const resolvePaths = (payload: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(payload).map(([key, value]) =>
      key.endsWith('.$')
        ? [
            key.slice(0, -2),
            key === 'arguments.$' ? SAMPLE_ARGUMENTS : key === 'jobName.$' ? 'nightly-etl' : SAMPLE_STRING,
          ]
        : [key, value],
    ),
  );

describe('examples/', () => {
  it('EventBridge Scheduler input is a valid launch request', () => {
    const input = JSON.parse(
      read('eventbridge/schedule-input.json').replace(
        '<aws.scheduler.execution-id>',
        'b3c1f7d2-0c1e-4e1a-9a55-0123456789ab',
      ),
    );
    expect(parseEvent(input, undefined).requests).toEqual([
      expect.objectContaining({ jobName: 'nightly-etl', idempotencyKey: 'b3c1f7d2-0c1e-4e1a-9a55-0123456789ab' }),
    ]);
  });

  describe('Step Functions', () => {
    const machine = JSON.parse(read('step-functions/launch-and-wait.asl.json'));
    const launch = machine.States.Launch;

    it('invokes the launcher with a valid launch request keyed by the execution', () => {
      expect(launch.Resource).toBe('arn:aws:states:::lambda:invoke');
      expect(launch.Parameters.Payload['idempotencyKey.$']).toBe('$$.Execution.Id');
      const plan = parseEvent(resolvePaths(launch.Parameters.Payload), undefined);
      expect(plan.requests[0]).toMatchObject({ jobName: 'nightly-etl', timeout: 120, arguments: SAMPLE_ARGUMENTS });
    });

    it('retries ConcurrentRunsExceeded, catches every other launcher error, and names only real errors', () => {
      const retried: string[] = launch.Retry.flatMap((r: { ErrorEquals: string[] }) => r.ErrorEquals);
      const caught: string[] = launch.Catch.flatMap((c: { ErrorEquals: string[] }) => c.ErrorEquals);
      expect(launch.Retry[0].ErrorEquals).toEqual(['ConcurrentRunsExceeded']);
      const launcherErrors = [...retried, ...caught].filter(
        (name) => !name.startsWith('Lambda.') && !name.startsWith('States.'),
      );
      expect([...new Set(launcherErrors)].sort()).toEqual([...ERROR_NAMES].sort());
    });

    it('polls glue:getJobRun until the run ends', () => {
      expect(machine.States.GetJobRun.Resource).toBe('arn:aws:states:::aws-sdk:glue:getJobRun');
      expect(machine.States.GetJobRun.Parameters).toEqual({
        'JobName.$': '$.launch.jobName',
        'RunId.$': '$.launch.jobRunId',
      });
      expect(machine.States['RunEnded?'].Default).toBe('WaitForRun');
      for (const [name, state] of Object.entries<{ Next?: string; Default?: string }>(machine.States)) {
        for (const next of [state.Next, state.Default].filter(Boolean))
          expect(Object.keys(machine.States)).toContain(next);
        expect(name.length).toBeGreaterThan(0);
      }
    });
  });

  it('the Airflow DAG sends a valid launch request, rendered per run', () => {
    // python3 reads the dict literal without importing Airflow.
    const literal = execFileSync(
      'python3',
      [
        '-c',
        'import ast, json, sys; tree = ast.parse(open(sys.argv[1]).read()); ' +
          'print(json.dumps(next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "LAUNCH_REQUEST")))',
        join(EXAMPLES, 'airflow/glue_launcher_dag.py'),
      ],
      { encoding: 'utf8' },
    );
    const rendered = literal
      .replace('{{ ds }}', '2026-11-21')
      .replace('{{ dag.dag_id }}:{{ run_id }}', 'glue_launcher_nightly_etl:scheduled__2026-11-21T02:00:00+00:00');
    expect(parseEvent(JSON.parse(rendered), undefined).requests[0]).toMatchObject({
      jobName: 'nightly-etl',
      idempotencyKey: 'glue_launcher_nightly_etl:scheduled__2026-11-21T02:00:00+00:00',
    });
    const dag = read('airflow/glue_launcher_dag.py');
    expect(dag).toMatch(/LambdaInvokeFunctionOperator\(/);
    expect(dag).toMatch(/GlueJobSensor\(/);
  });
});
