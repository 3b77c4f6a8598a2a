import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonata from 'jsonata';
import { loadTemplate, resolveValue } from '../../local/tools/cloudformation';
import {
  ALL_DEMO_JOBS,
  REQUIREMENTS_BUCKET,
  STANDING_PREFIX,
  sourceUri,
  standingUri,
} from '../../local/tools/fixtures';
import { ERROR_NAMES } from '../../src/errors';
import { parseEvent } from '../../src/input/events';
import { checkStandingJob } from '../../src/pip/standing-file';

const EXAMPLES = join(__dirname, '../../examples');
const read = (path: string) => readFileSync(join(EXAMPLES, path), 'utf8');

/** A `{% expression %}` of a JSONata state, evaluated as Step Functions does (it implements JSONata 2.0.6). */
const evaluate = (field: string, bindings: Record<string, unknown>): Promise<unknown> => {
  const expression = /^\{%(.*)%\}$/s.exec(field)?.[1];
  if (expression === undefined) throw new Error(`not a JSONata field: ${field}`);
  return jsonata(expression).evaluate({}, bindings);
};

const EXECUTION_ID = 'arn:aws:states:eu-west-1:111122223333:execution:launch:2026-11-21';

describe('examples/', () => {
  it('EventBridge Scheduler input is a valid launch request keyed by the occurrence: schedule and scheduled time', () => {
    const raw = read('eventbridge/schedule-input.json');
    expect(raw).not.toContain('execution-id'); // a new one on every attempt: no key for an occurrence
    // As Scheduler fills it in: its documented keywords, replaced by their values.
    const input = JSON.parse(
      raw
        .replace(
          '<aws.scheduler.schedule-arn>',
          'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/launch-nightly-etl',
        )
        .replace('<aws.scheduler.scheduled-time>', '2026-12-05T02:00:00Z'),
    );
    expect(parseEvent(input, undefined).requests).toEqual([
      expect.objectContaining({
        jobName: 'nightly-etl',
        idempotencyKey:
          'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/launch-nightly-etl#2026-12-05T02:00:00Z',
      }),
    ]);
  });

  describe('Step Functions', () => {
    const machine = JSON.parse(read('step-functions/launch-and-wait.asl.json'));
    const launch = machine.States.Launch;
    const payloadFor = (input: unknown) =>
      evaluate(launch.Arguments.Payload, { states: { input, context: { Execution: { Id: EXECUTION_ID } } } });

    it('invokes the launcher with a valid launch request keyed by the execution, with or without arguments', async () => {
      expect(machine.QueryLanguage).toBe('JSONata');
      expect(launch.Resource).toBe('arn:aws:states:::lambda:invoke');
      const withArguments = await payloadFor({ jobName: 'nightly-etl', arguments: { '--run-date': '2026-11-21' } });
      expect(parseEvent(withArguments, undefined).requests).toEqual([
        {
          jobName: 'nightly-etl',
          arguments: { '--run-date': '2026-11-21' },
          idempotencyKey: EXECUTION_ID,
          keySource: 'request',
        },
      ]);
      const withoutArguments = await payloadFor({ jobName: 'nightly-etl' });
      expect(parseEvent(withoutArguments, undefined).requests).toEqual([
        { jobName: 'nightly-etl', idempotencyKey: EXECUTION_ID, keySource: 'request' },
      ]);
      // No job name either: the launcher's GLUE_JOB_NAME.
      expect(parseEvent(await payloadFor({}), 'nightly-etl').requests[0]).toMatchObject({ jobName: 'nightly-etl' });
    });

    it('sets no run timeout: the job’s own applies', async () => {
      expect(await payloadFor({ jobName: 'nightly-etl' })).not.toHaveProperty('timeout');
    });

    it('retries ConcurrentRunsExceeded and LaunchInProgress, catches every other launcher error, names only real ones', () => {
      const retried: string[] = launch.Retry.flatMap((r: { ErrorEquals: string[] }) => r.ErrorEquals);
      const caught: string[] = launch.Catch.flatMap((c: { ErrorEquals: string[] }) => c.ErrorEquals);
      expect(launch.Retry[0].ErrorEquals).toEqual(['ConcurrentRunsExceeded']);
      expect(launch.Retry[1].ErrorEquals).toEqual(['LaunchInProgress']);
      const launcherErrors = [...retried, ...caught].filter(
        (name) => !name.startsWith('Lambda.') && !name.startsWith('States.'),
      );
      // StandingRefreshFailed is the standing refresher's alone; a launch never fails with it.
      expect([...new Set(launcherErrors)].sort()).toEqual(
        ERROR_NAMES.filter((name) => name !== 'StandingRefreshFailed').sort(),
      );
    });

    it('polls glue:getJobRun for the launched run until it ends, and says how it ended', async () => {
      const launched = { jobName: 'nightly-etl', jobRunId: 'jr_1', tokenExpiresAt: '2026-11-22T10:00:00.000Z' };
      expect(await evaluate(launch.Assign.launch, { states: { result: { Payload: launched } } })).toEqual(launched);
      const poll = machine.States.GetJobRun;
      expect(poll.Resource).toBe('arn:aws:states:::aws-sdk:glue:getJobRun');
      expect(await evaluate(poll.Arguments.JobName, { launch: launched })).toBe('nightly-etl');
      expect(await evaluate(poll.Arguments.RunId, { launch: launched })).toBe('jr_1');
      const state = await evaluate(poll.Assign.state, { states: { result: { JobRun: { JobRunState: 'TIMEOUT' } } } });
      const [succeeded, failed] = machine.States['RunEnded?'].Choices;
      const next = async (runState: string) =>
        (await evaluate(succeeded.Condition, { state: runState }))
          ? succeeded.Next
          : (await evaluate(failed.Condition, { state: runState }))
            ? failed.Next
            : machine.States['RunEnded?'].Default;
      expect([await next('SUCCEEDED'), await next(state as string), await next('RUNNING')]).toEqual([
        'RunSucceeded',
        'RunFailed',
        'WaitForRun',
      ]);
      expect(await evaluate(machine.States.RunFailed.Cause, { launch: launched, state })).toBe(
        'Glue run jr_1 of nightly-etl ended TIMEOUT',
      );
      for (const [name, value] of Object.entries<{ Next?: string; Default?: string }>(machine.States)) {
        for (const following of [value.Next, value.Default].filter(Boolean))
          expect(Object.keys(machine.States)).toContain(following);
        expect(name.length).toBeGreaterThan(0);
      }
    });
  });

  describe('the Step Functions example’s template', () => {
    const template = loadTemplate(join(EXAMPLES, 'step-functions/template.yaml')) as any;
    const machine = template.Resources.LaunchAndWait.Properties;
    const asl = read(`step-functions/${machine.DefinitionUri}`);

    it('says how long a run its polling loop can wait for, from the loop itself', () => {
      const definition = JSON.parse(asl);
      // Events a state adds to the history each time it runs (Step Functions' history event types).
      const EVENTS = { Wait: 2, Task: 5, Choice: 2 } as Record<string, number>;
      const loop = ['WaitForRun', 'GetJobRun', 'RunEnded?'];
      expect(definition.States['RunEnded?'].Default).toBe('WaitForRun');
      const perPoll = loop.reduce((sum, name) => sum + (EVENTS[definition.States[name].Type] as number), 0);
      const polls = 25_000 / perPoll;
      const seconds = definition.States.WaitForRun.Seconds;
      expect(definition.Comment).toContain(`each poll adds ${perPoll}`);
      expect(definition.Comment).toContain(`about ${Math.round((polls * seconds) / 3600)} hours`);
      // Glue's longest run, 7 days (10,079 minutes), fits at the Seconds the comment gives.
      const advised = Number(/Seconds of at least (\d+)/.exec(definition.Comment)?.[1]);
      expect((polls - 10) * advised).toBeGreaterThan(10_079 * 60);
    });

    it('substitutes every ${} of the definition, from its parameters', () => {
      const placeholders = [...asl.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
      expect(placeholders.length).toBeGreaterThan(0);
      expect(Object.keys(machine.DefinitionSubstitutions).sort()).toEqual([...new Set(placeholders)].sort());
      for (const value of Object.values<{ Ref: string }>(machine.DefinitionSubstitutions)) {
        expect(Object.keys(template.Parameters)).toContain(value.Ref);
      }
    });

    it('its role allows exactly the actions the definition’s tasks call, the run reads per job', () => {
      const resources = [...asl.matchAll(/"Resource": "arn:aws:states:::([^"]+)"/g)].map((m) => m[1] as string);
      const needed = resources.map((resource) =>
        resource === 'lambda:invoke'
          ? 'lambda:InvokeFunction'
          : resource.replace(/^aws-sdk:(\w+):(\w)/, (_, service, first) => `${service}:${first.toUpperCase()}`),
      );
      const statements = template.Resources.StateMachineRole.Properties.Policies.flatMap(
        (policy: any) => policy.PolicyDocument.Statement,
      );
      const granted = statements.flatMap((statement: any) => statement.Action);
      expect([...new Set(granted)].sort()).toEqual([...new Set(needed)].sort());
      // GetJobRun on the listed jobs alone, in the stack's region, built as the launcher's template builds its own.
      const watch = statements.find((statement: any) => statement.Action === 'glue:GetJobRun');
      expect(
        resolveValue(template, { GlueJobNames: 'nightly-etl,hourly-etl', 'AWS::Region': 'eu-west-1' }, watch),
      ).toEqual({
        Effect: 'Allow',
        Action: 'glue:GetJobRun',
        Resource: ['arn:*:glue:*:*:job/nightly-etl', 'arn:*:glue:*:*:job/hourly-etl'],
        Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
      });
    });
  });

  it('the Airflow DAG sends a valid launch request, rendered per run, naming its job once', () => {
    // python3 evaluates the module's constants without importing Airflow: the request with JOB_NAME in it.
    const literal = execFileSync(
      'python3',
      [
        '-c',
        'import ast, json, sys; tree = ast.parse(open(sys.argv[1]).read()); ' +
          'consts = {n.targets[0].id: n.value for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)}; ' +
          'scope = {"JOB_NAME": ast.literal_eval(consts["JOB_NAME"])}; ' +
          'print(json.dumps(eval(compile(ast.Expression(consts["LAUNCH_REQUEST"]), "dag", "eval"), scope)))',
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
    // One constant names the job: the request and the sensor read it, and no other literal repeats the name.
    expect(/^JOB_NAME = "([^"]+)"/m.exec(dag)?.[1]).toBe('nightly-etl');
    expect(dag.match(/"nightly-etl"/g)).toHaveLength(1);
    expect(dag).toMatch(/"jobName": JOB_NAME,/);
    expect(dag).toMatch(/job_name=JOB_NAME,/);
    expect(dag).not.toMatch(/"timeout"\s*:/);
  });

  describe('a standing job and its starts that never pass through the launcher (examples/standing)', () => {
    const template = loadTemplate(join(EXAMPLES, 'standing/template.yaml')) as any;
    const values = {
      JobName: 'orders-etl',
      RequirementsBucketName: REQUIREMENTS_BUCKET,
      SourceUri: sourceUri('orders-etl'),
      'AWS::Partition': 'aws',
      'AWS::Region': 'eu-west-1',
      'AWS::AccountId': '111122223333',
      StandingJob: 'orders-etl',
    };

    it('sets the job up exactly as the launcher and the refresher check it', () => {
      const job = resolveValue(template, values, template.Resources.StandingJob.Properties) as any;
      expect(job.DefaultArguments).toEqual({
        '--additional-python-modules': standingUri('orders-etl'),
        '--python-modules-installer-option': '-r',
        '--launcher-requirements': sourceUri('orders-etl'),
      });
      const definition = {
        name: job.Name,
        command: job.Command.Name,
        glueVersion: job.GlueVersion,
        pythonVersion: job.Command.PythonVersion,
        defaultArguments: job.DefaultArguments,
        nonOverridableArguments: {},
      };
      expect(checkStandingJob(definition, { bucket: REQUIREMENTS_BUCKET, prefix: STANDING_PREFIX }).file.uri).toBe(
        standingUri('orders-etl'),
      );
    });

    it('a workflow trigger and a .sync state machine start it, with only what .sync documents, on it alone', () => {
      expect(template.Resources.NightlyTrigger.Properties.Actions).toEqual([{ JobName: { Ref: 'StandingJob' } }]);
      const states = template.Resources.RunAndWait.Properties.Definition.States;
      expect(Object.values<any>(states).map((state) => state.Resource)).toEqual([
        'arn:aws:states:::glue:startJobRun.sync',
      ]);
      const policies = resolveValue(template, values, template.Resources.StateMachineRole.Properties.Policies) as any[];
      const [statement] = policies.flatMap((policy) => policy.PolicyDocument.Statement);
      expect(statement).toEqual({
        Effect: 'Allow',
        Action: ['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'],
        Resource: 'arn:aws:glue:eu-west-1:111122223333:job/orders-etl',
      });
    });

    it('the Airflow DAG runs it with GlueJobOperator, passing no index and nothing pip reads', () => {
      const dag = read('airflow/standing_job_dag.py');
      expect(dag).toMatch(/GlueJobOperator\(/);
      expect(dag).toMatch(/job_name=JOB_NAME,/);
      expect(/^JOB_NAME = "([^"]+)"/m.exec(dag)?.[1]).toBe('orders-etl');
      expect(dag).not.toMatch(/index-url|--additional-python-modules|--python-modules-installer-option|Lambda/);
    });
  });

  it('every job a sample event names is one the stand-in’s tools create (npm run standin, invoke --local, the demo)', () => {
    const named = readdirSync(join(EXAMPLES, '../events'))
      .filter((file) => file.endsWith('.json'))
      .flatMap((file) => [...readFileSync(join(EXAMPLES, '../events', file), 'utf8').matchAll(/"jobName": "([^"]+)"/g)])
      .map((m) => m[1]);
    expect(named.length).toBeGreaterThan(5);
    expect([...new Set(named)].filter((name) => !ALL_DEMO_JOBS.includes(name as string))).toEqual([]);
  });
});
