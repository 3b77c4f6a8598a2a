import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTemplate, resolveValue, type Template } from '../../local/tools/cloudformation';
import { PARAMETERS } from '../../src/errors';
import { CONFIG_VARIABLES, REFRESHER_VARIABLES } from '../../src/input/config';
import {
  actions,
  actionsTheCodeNeeds,
  alarmsReachAPerson,
  dashboardDrawsMetrics,
  entryPointsExist,
  environmentFromParameters,
  iamCoversCode,
  inlinePolicySize,
  launcherStatements,
  metricsTheCodePublishes,
  noOtherWildcards,
  parametersTheMessagesName,
  ROLE_INLINE_POLICY_QUOTA,
  referencesResolve,
  refresherRoleIsLeast,
  requirementsBucketIsPrivate,
  resourcesMatchSpec,
  SAMPLE_PARAMETERS,
  stateIsRetained,
  variablesTheCodeReads,
  vpcIsOptional,
  WORST_CASE,
} from './template-rules';

jest.setTimeout(30_000);

const template = loadTemplate();
/** A fresh copy to break. */
const broken = (mutate: (t: any) => void): Template => {
  const copy = structuredClone(template) as any;
  mutate(copy);
  return copy;
};
const CONFIGURATION = [...CONFIG_VARIABLES, 'POWERTOOLS_LOG_LEVEL'];
const REFRESHER_CONFIGURATION = [...REFRESHER_VARIABLES, 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME'];
/** What each function reads: the launcher every variable, the refresher its own. */
const variablesOf = (read: readonly string[]) => (id: string) =>
  id === 'StandingRefresherFunction' ? REFRESHER_CONFIGURATION : read;
const fn = (t: any) => t.Resources.GlueLauncherFunction;
const role = (t: any) => t.Resources.GlueLauncherRole;
const codeartifactPolicy = (t: any) =>
  role(t).Properties.Policies.find((p: any) => p.PolicyName === 'codeartifact-read');
/** One of the role's inline policies by name, inside its Fn::If where it has one. */
const rolePolicy = (t: any, name: string) =>
  role(t)
    .Properties.Policies.map((p: any) => (p['Fn::If'] ? p['Fn::If'][1] : p))
    .find((p: any) => p.PolicyName === name);
const jobPolicy = (t: any) => rolePolicy(t, 'glue-jobs');

describe('template.yaml passes every rule', () => {
  it('every resource’s type and properties match the AWS resource specification', () => {
    expect(resourcesMatchSpec(template)).toEqual([]);
  });
  it('the launcher’s role allows every SDK command the code sends', () => {
    expect(actionsTheCodeNeeds()).toEqual(
      expect.arrayContaining([
        'glue:GetJob',
        'glue:StartJobRun',
        'codeartifact:GetAuthorizationToken',
        'sts:GetServiceBearerToken',
      ]),
    );
    expect(iamCoversCode(template)).toEqual([]);
  });
  it('has no wildcard resource but sts:GetServiceBearerToken, with its condition', () => {
    expect(noOtherWildcards(template)).toEqual([]);
  });
  it('the esbuild entry point exists', () => {
    expect(entryPointsExist(template)).toEqual([]);
  });
  it('every variable the code reads is set, and the configuration from parameters', () => {
    expect(variablesTheCodeReads()).toEqual(
      expect.arrayContaining(['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME']),
    );
    const read = [...new Set([...CONFIGURATION, ...variablesTheCodeReads()])];
    expect(environmentFromParameters(template, variablesOf(read))).toEqual([]);
  });
  it('a dashboard draws every metric the code publishes, the duration and the failed-launches queue', () => {
    expect(metricsTheCodePublishes()).toEqual([
      'LaunchesFailed',
      'RequestsRefused',
      'RunsReused',
      'RunsStarted',
      'StandingFilesRefreshed',
      'StandingRefreshFailures',
      'StandingTokenSecondsLeft',
      'TokenSecondsRequested',
    ]);
    expect(dashboardDrawsMetrics(template, metricsTheCodePublishes())).toEqual([]);
  });
  it('every message that names a template parameter names the one that sets the variable', () => {
    expect(parametersTheMessagesName(template, PARAMETERS)).toEqual([]);
  });
  it('every Ref, GetAtt and ${} names a declared parameter, resource, condition or loop identifier', () => {
    expect(referencesResolve(template)).toEqual([]);
  });
  it('alarms on the queue and the function’s errors reach a topic a person can subscribe to by e-mail', () => {
    expect(alarmsReachAPerson(template)).toEqual([]);
  });
  it('the queue, the log group and the requirements bucket are retained on deletion and replacement', () => {
    expect(stateIsRetained(template)).toEqual([]);
  });
  it('private subnets are optional: the VPC placement and its policy only when subnets are given', () => {
    expect(vpcIsOptional(template)).toEqual([]);
  });
  it('the standing refresher’s role reads jobs and writes standing files, and never starts a run or changes a job', () => {
    expect(refresherRoleIsLeast(template)).toEqual([]);
    const granted = launcherStatements(template, 'StandingRefresherRole').flatMap(actions);
    for (const never of ['glue:StartJobRun', 'glue:UpdateJob', 'glue:*', 's3:*', '*'])
      expect(granted).not.toContain(never);
  });
  it('the requirements bucket is private, encrypted, TLS-only, written by the launcher alone, emptied daily, retained', () => {
    expect(actionsTheCodeNeeds()).toEqual(expect.arrayContaining(['s3:PutObject', 's3:GetObject']));
    expect(requirementsBucketIsPrivate(template)).toEqual([]);
  });
});

describe('each rule catches its broken template', () => {
  it('an unknown resource type, an unknown property, a missing required one, a wrong value type', () => {
    expect(resourcesMatchSpec(broken((t) => (t.Resources.FailedLaunchesQueue.Type = 'AWS::SQS::Queu')))).toEqual([
      'FailedLaunchesQueue: unknown resource type AWS::SQS::Queu',
    ]);
    expect(resourcesMatchSpec(broken((t) => (fn(t).Properties.MemorySise = 128)))).toEqual([
      'GlueLauncherFunction.MemorySise: not a property of AWS::Serverless::Function',
    ]);
    expect(resourcesMatchSpec(broken((t) => delete t.Resources.LaunchSchedule.Properties.FlexibleTimeWindow))).toEqual([
      'LaunchSchedule: FlexibleTimeWindow is required',
    ]);
    expect(resourcesMatchSpec(broken((t) => (fn(t).Properties.Architectures = 'arm64')))).toEqual([
      'GlueLauncherFunction.Architectures: expected a list',
    ]);
    expect(
      resourcesMatchSpec(broken((t) => (t.Resources.LaunchSchedule.Properties.Target.RetryPolicy.Retries = 3))),
    ).toEqual(['LaunchSchedule.Target.RetryPolicy.Retries: not a property of RetryPolicy']);
    expect(resourcesMatchSpec(broken((t) => (jobPolicy(t).PolicyDocument = true)))).toEqual([
      'GlueLauncherRole.Policies[3].PolicyDocument: expected a string',
    ]);
    // A policy inside a condition is checked too.
    const misspelt = broken((t) => {
      const policy = rolePolicy(t, 'launch-lock');
      policy.PolicyDocumnet = policy.PolicyDocument;
      delete policy.PolicyDocument;
    });
    expect(resourcesMatchSpec(misspelt)).toEqual([
      'GlueLauncherRole.Policies[8]: PolicyDocument is required',
      'GlueLauncherRole.Policies[8].PolicyDocumnet: not a property of Policy',
    ]);
  });

  it('a command the code sends whose action the role lacks', () => {
    const withoutStart = broken((t) => {
      const statement = jobPolicy(t).PolicyDocument.Statement[0];
      statement.Action = statement.Action.filter((a: string) => a !== 'glue:StartJobRun');
    });
    expect(iamCoversCode(withoutStart)).toEqual(["the launcher's role lacks glue:StartJobRun"]);
    const withoutBearer = broken((t) => {
      const policy = codeartifactPolicy(t);
      policy.PolicyDocument.Statement = policy.PolicyDocument.Statement.filter(
        (s: any) => s.Sid !== 'CodeArtifactBearerToken',
      );
    });
    expect(iamCoversCode(withoutBearer)).toEqual(["the launcher's role lacks sts:GetServiceBearerToken"]);
    // A policy on some other role does not count.
    const elsewhere = broken((t) => {
      const policies = role(t).Properties.Policies;
      t.Resources.SchedulerRole.Properties.Policies.push(
        ...policies.splice(
          policies.findIndex((p: any) => p.PolicyName === 'glue-jobs'),
          1,
        ),
      );
    });
    expect(iamCoversCode(elsewhere)).toEqual([
      "the launcher's role lacks glue:GetJob",
      "the launcher's role lacks glue:GetJobRuns",
      "the launcher's role lacks glue:StartJobRun",
    ]);
    expect(launcherStatements(template).flatMap(actions)).toContain('codeartifact:ReadFromRepository');
  });

  it('a wildcard resource anywhere else, or the bearer token without its condition', () => {
    const wildJobs = broken(
      (t) =>
        (jobPolicy(t).PolicyDocument.Statement[0].Resource = { 'Fn::Sub': 'arn:${AWS::Partition}:glue:*:*:job/*' }),
    );
    expect(noOtherWildcards(wildJobs)).toEqual([
      'GlueLauncherRole: glue:GetJob, glue:GetJobRuns, glue:StartJobRun on a wildcard resource',
    ]);
    // The job ARNs' region wildcard stands only beside the condition that pins the region.
    const anyRegion = broken((t) => delete jobPolicy(t).PolicyDocument.Statement[0].Condition);
    expect(noOtherWildcards(anyRegion)).toEqual([
      'GlueLauncherRole: glue:GetJob, glue:GetJobRuns, glue:StartJobRun on a wildcard resource',
    ]);
    const unconditioned = broken((t) => {
      const bearer = codeartifactPolicy(t).PolicyDocument.Statement.find(
        (s: any) => s.Sid === 'CodeArtifactBearerToken',
      );
      delete bearer.Condition;
    });
    expect(noOtherWildcards(unconditioned)).toEqual([
      'GlueLauncherRole: sts:GetServiceBearerToken on a wildcard resource',
    ]);
    const anyBucket = broken(
      (t) =>
        (rolePolicy(t, 'job-requirements').PolicyDocument.Statement[0].Resource = {
          'Fn::Sub': 'arn:${AWS::Partition}:s3:::*/*',
        }),
    );
    expect(noOtherWildcards(anyBucket)).toEqual(['GlueLauncherRole: s3:GetObject on a wildcard resource']);
    // An account wildcard is the Glue job ARNs' alone.
    const anyAccountsTable = broken(
      (t) =>
        (rolePolicy(t, 'launch-lock').PolicyDocument.Statement[0].Resource = {
          'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:*:table/x',
        }),
    );
    expect(noOtherWildcards(anyAccountsTable)).toEqual([
      'GlueLauncherRole: dynamodb:PutItem, dynamodb:GetItem, dynamodb:UpdateItem, dynamodb:DeleteItem on a wildcard resource',
    ]);
    const wildLogs = broken((t) => (role(t).Properties.Policies[0].PolicyDocument.Statement[0].Resource = '*'));
    expect(noOtherWildcards(wildLogs)).toEqual([
      'GlueLauncherRole: logs:CreateLogStream, logs:PutLogEvents on a wildcard resource',
    ]);
  });

  it('a requirements bucket left open, kept forever, deleted with the stack, or granted beyond its prefix', () => {
    const bucket = (t: any) => t.Resources.RequirementsBucket;
    const bucketPolicy = (t: any) => t.Resources.RequirementsBucketPolicy.Properties.PolicyDocument.Statement;
    expect(
      requirementsBucketIsPrivate(
        broken((t) => (bucket(t).Properties.PublicAccessBlockConfiguration.BlockPublicPolicy = false)),
      ),
    ).toEqual(['RequirementsBucket: public access not blocked (BlockPublicPolicy)']);
    expect(requirementsBucketIsPrivate(broken((t) => delete bucket(t).Properties.BucketEncryption))).toEqual([
      'RequirementsBucket: not encrypted',
    ]);
    expect(
      requirementsBucketIsPrivate(
        broken((t) => (bucket(t).Properties.LifecycleConfiguration.Rules[0].ExpirationInDays = 30)),
      ),
    ).toEqual(['RequirementsBucket: objects do not expire after 1 day']);
    expect(requirementsBucketIsPrivate(broken((t) => delete bucket(t).DeletionPolicy))).toEqual([
      'RequirementsBucket: DeletionPolicy is not Retain',
    ]);
    expect(requirementsBucketIsPrivate(broken((t) => bucketPolicy(t).splice(0, 1)))).toEqual([
      'RequirementsBucket: requests without TLS are not denied',
    ]);
    expect(requirementsBucketIsPrivate(broken((t) => bucketPolicy(t).splice(1, 1)))).toEqual([
      'RequirementsBucket: principals other than the launcher and the refresher may write',
    ]);
    const wide = broken(
      (t) =>
        (rolePolicy(t, 'requirements-files').PolicyDocument.Statement[0].Resource = {
          'Fn::Sub': '${RequirementsBucket.Arn}/*',
        }),
    );
    expect(requirementsBucketIsPrivate(wide)).toEqual([
      'RequirementsBucket: s3:PutObject is not scoped to glue-launcher/ or glue-launcher-standing/',
    ]);
    expect(requirementsBucketIsPrivate(broken((t) => delete t.Resources.RequirementsBucket))).toEqual([
      'no requirements bucket',
    ]);
  });

  it('a refresher role that may start a run, change a job, or lacks what it sends', () => {
    const refresherPolicy = (t: any, name: string) =>
      t.Resources.StandingRefresherRole.Properties.Policies.find((p: any) => p.PolicyName === name);
    const starts = broken(
      (t) =>
        (refresherPolicy(t, 'standing-jobs').PolicyDocument.Statement[0].Action = [
          'glue:GetJob',
          'glue:StartJobRun',
          'glue:UpdateJob',
        ]),
    );
    expect(refresherRoleIsLeast(starts)).toEqual([
      'StandingRefresherRole allows glue:StartJobRun, which the refresher never sends',
      'StandingRefresherRole allows glue:UpdateJob, which the refresher never sends',
    ]);
    const blind = broken(
      (t) => (refresherPolicy(t, 'standing-files').PolicyDocument.Statement[0].Action = 's3:GetObject'),
    );
    expect(refresherRoleIsLeast(blind)).toEqual(['StandingRefresherRole lacks s3:PutObject']);
    const wide = broken(
      (t) =>
        (refresherPolicy(t, 'standing-files').PolicyDocument.Statement[0].Resource = {
          'Fn::Sub': '${RequirementsBucket.Arn}/glue-launcher/*',
        }),
    );
    expect(requirementsBucketIsPrivate(wide)).toEqual([
      "RequirementsBucket: the refresher's s3:PutObject reaches beyond PutObject on glue-launcher-standing/",
    ]);
  });

  it('alarms that reach nobody, or watch the wrong thing', () => {
    const alarm = (t: any, id: string) => t.Resources[id].Properties;
    expect(alarmsReachAPerson(broken((t) => (alarm(t, 'FailedLaunchesAlarm').AlarmActions = [])))).toEqual([
      'no alarm on the failed-launches queue that notifies AlarmTopic',
    ]);
    // The launcher's alarm counts its own failures: Lambda's errors less the requests it refused.
    const failures = (t: any) => alarm(t, 'LauncherFailuresAlarm').Metrics;
    expect(alarmsReachAPerson(broken((t) => (failures(t)[2].Expression = 'errors')))).toEqual([
      "no alarm on the launcher's own failures that notifies AlarmTopic",
    ]);
    expect(
      alarmsReachAPerson(broken((t) => (failures(t)[1].MetricStat.Metric.Dimensions[0].Value = 'glue-launcher'))),
    ).toEqual(["no alarm on the launcher's own failures that notifies AlarmTopic"]);
    expect(alarmsReachAPerson(broken((t) => (alarm(t, 'LauncherFailuresAlarm').AlarmActions = [])))).toEqual([
      "no alarm on the launcher's own failures that notifies AlarmTopic",
    ]);
    expect(alarmsReachAPerson(broken((t) => delete t.Resources.AlarmEmailSubscription.Condition))).toEqual([
      'the e-mail subscription is not optional (no Condition)',
    ]);
    expect(alarmsReachAPerson(broken((t) => delete t.Resources.AlarmTopic))).toEqual(['no SNS topic for the alarms']);
  });

  it('state deleted with the stack', () => {
    expect(stateIsRetained(broken((t) => delete t.Resources.FailedLaunchesQueue.DeletionPolicy))).toEqual([
      'FailedLaunchesQueue: DeletionPolicy is not Retain',
    ]);
    expect(stateIsRetained(broken((t) => (t.Resources.GlueLauncherLogGroup.UpdateReplacePolicy = 'Delete')))).toEqual([
      'GlueLauncherLogGroup: UpdateReplacePolicy is not Retain',
    ]);
  });

  it('a VPC placement that is not optional, or without the policy it needs', () => {
    expect(vpcIsOptional(broken((t) => (fn(t).Properties.VpcConfig = { SubnetIds: { Ref: 'SubnetIds' } })))).toEqual([
      "the function's VpcConfig is not conditional on InVpc",
    ]);
    expect(vpcIsOptional(broken((t) => delete role(t).Properties.ManagedPolicyArns))).toEqual([
      'the role does not get AWSLambdaVPCAccessExecutionRole under InVpc',
    ]);
    expect(vpcIsOptional(broken((t) => (t.Conditions.InVpc = { 'Fn::Equals': ['a', 'b'] })))).toEqual([
      'InVpc does not depend on SubnetIds',
    ]);
  });

  it('an entry point that does not exist', () => {
    expect(entryPointsExist(broken((t) => (fn(t).Metadata.BuildProperties.EntryPoints = ['src/main.ts'])))).toEqual([
      'GlueLauncherFunction: entry point src/main.ts does not exist',
    ]);
    expect(entryPointsExist(broken((t) => delete fn(t).Metadata))).toEqual([
      'GlueLauncherFunction: no esbuild entry point',
    ]);
  });

  it('a variable not set, or set to a literal instead of a parameter', () => {
    expect(
      environmentFromParameters(
        broken((t) => delete fn(t).Properties.Environment.Variables.MAX_PARALLEL_STARTS),
        variablesOf(CONFIGURATION),
      ),
    ).toEqual(['GlueLauncherFunction: MAX_PARALLEL_STARTS is not set']);
    expect(
      environmentFromParameters(
        broken((t) => (fn(t).Properties.Environment.Variables.PIP_INDEX_OPTION = 'index-url')),
        variablesOf(CONFIGURATION),
      ),
    ).toEqual(['GlueLauncherFunction: PIP_INDEX_OPTION is not set from a parameter']);
    const refresher = (t: any) => t.Resources.StandingRefresherFunction.Properties.Environment.Variables;
    expect(
      environmentFromParameters(
        broken((t) => delete refresher(t).STANDING_JOB_NAMES),
        variablesOf(CONFIGURATION),
      ),
    ).toEqual(['StandingRefresherFunction: STANDING_JOB_NAMES is not set']);
  });

  it('a dashboard that misses a metric, or whose body is not JSON', () => {
    const dashboard = (t: any) => t.Resources.LauncherDashboard.Properties;
    expect(dashboardDrawsMetrics(template, [...metricsTheCodePublishes(), 'RunsForgotten'])).toEqual([
      'LauncherDashboard does not draw GlueLauncher/RunsForgotten service=<AWS::StackName>',
    ]);
    const withoutQueue = broken((t) => {
      dashboard(t).DashboardBody['Fn::Sub'] = dashboard(t).DashboardBody['Fn::Sub'].replace('AWS/SQS', 'AWS/SNS');
    });
    expect(dashboardDrawsMetrics(withoutQueue, metricsTheCodePublishes())).toEqual([
      'LauncherDashboard does not draw AWS/SQS/ApproximateNumberOfMessagesVisible QueueName=<FailedLaunchesQueue.QueueName>',
    ]);
    const notJson = broken((t) => {
      dashboard(t).DashboardBody['Fn::Sub'] += ',';
    });
    expect(dashboardDrawsMetrics(notJson, [])).toEqual([expect.stringMatching(/DashboardBody is not JSON/)]);
  });

  it('a message naming the wrong parameter, or the code’s map out of step with the template', () => {
    expect(parametersTheMessagesName(template, { ...PARAMETERS, MAX_DPU: 'MaxParallelStarts' })).toEqual([
      'MAX_DPU comes from MaxDpu, the code says MaxParallelStarts',
    ]);
    const swapped = broken((t) => {
      fn(t).Properties.Environment.Variables.TOKEN_DELIVERY = { Ref: 'PipIndexOption' };
    });
    expect(parametersTheMessagesName(swapped, PARAMETERS)).toEqual([
      'TOKEN_DELIVERY comes from PipIndexOption, the code says TokenDelivery',
    ]);
    // A message that spells a parameter out by hand instead of asking src/errors.ts.
    const dir = mkdtempSync(join(tmpdir(), 'messages-'));
    writeFileSync(
      join(dir, 'typed.ts'),
      'const a = `MAX_DPU=${n} (raise the template parameter MaxParallelStarts to allow it)`;\nconst b = "set the template parameter NoSuchParameter";\n',
    );
    expect(parametersTheMessagesName(template, PARAMETERS, dir)).toEqual([
      expect.stringMatching(/MAX_DPU.*names the wrong parameter/),
      'template parameter NoSuchParameter does not exist',
    ]);
  });
  it('a Ref, GetAtt, ${} or condition that names nothing declared', () => {
    expect(
      referencesResolve(broken((t) => (fn(t).Properties.Environment.Variables.GLUE_JOB_NAME = { Ref: 'GlueJob' }))),
    ).toEqual([
      'Resources.GlueLauncherFunction.Properties.Environment.Variables.GLUE_JOB_NAME: Ref to undeclared GlueJob',
    ]);
    expect(
      referencesResolve(broken((t) => (t.Outputs.FunctionArn.Value = { 'Fn::GetAtt': ['Launcher', 'Arn'] }))),
    ).toEqual(['Outputs.FunctionArn.Value: GetAtt of undeclared Launcher']);
    expect(
      referencesResolve(
        broken(
          (t) => (t.Resources.GlueLauncherLogGroup.Properties.LogGroupName = { 'Fn::Sub': '/aws/lambda/${Stack}' }),
        ),
      ),
    ).toEqual(['Resources.GlueLauncherLogGroup.Properties.LogGroupName: ${Stack} names nothing declared']);
    expect(referencesResolve(broken((t) => (t.Resources.LaunchSchedule.Condition = 'HasCron')))).toEqual([
      'Resources.LaunchSchedule: undeclared condition HasCron',
    ]);
    expect(
      referencesResolve(
        broken(
          (t) =>
            (rolePolicy(t, 'launch-lock').PolicyDocument.Statement[0].Resource['Fn::Sub'][1].Table = { Ref: 'Lock' }),
        ),
      ),
    ).toEqual([
      'Resources.GlueLauncherRole.Properties.Policies[8].Fn::If[0].PolicyDocument.Statement[0].Resource.Fn::Sub.Table: Ref to undeclared Lock',
    ]);
  });
});

describe('what the template deploys', () => {
  const resources = template.Resources as any;

  it('the function: nodejs24.x, arm64, 128 MB, bounded asynchronous retries to a queue', () => {
    expect(fn(template).Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 128,
      EventInvokeConfig: {
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: {
          OnFailure: { Type: 'SQS', Destination: { 'Fn::GetAtt': ['FailedLaunchesQueue', 'Arn'] } },
        },
      },
    });
    // BuildProperties: test/contract/bundle.test.ts holds them to scripts/bundle-options.mjs.
  });

  it('a log group with the retention parameter, named after the function', () => {
    expect(resources.GlueLauncherLogGroup?.Properties).toEqual({
      LogGroupName: { 'Fn::Sub': '/aws/lambda/${AWS::StackName}-glue-launcher' },
      RetentionInDays: { Ref: 'LogRetentionDays' },
    });
    expect(fn(template).Properties.FunctionName).toEqual({ 'Fn::Sub': '${AWS::StackName}-glue-launcher' });
  });

  it('one transform, SAM’s: no AWS::LanguageExtensions, no Fn::ForEach, in the launcher’s template or the example’s', () => {
    for (const file of ['template.yaml', 'examples/step-functions/template.yaml']) {
      const text = readFileSync(join(__dirname, '../..', file), 'utf8');
      expect([file, loadTemplate(join(__dirname, '../..', file)).Transform]).toEqual([
        file,
        'AWS::Serverless-2016-10-31',
      ]);
      expect(text).not.toMatch(/LanguageExtensions|Fn::ForEach|Fn::Length|Fn::ToJsonString/);
    }
  });

  it('every policy name is a literal IAM accepts, whatever the job names', () => {
    const names = JSON.stringify(template).match(/"PolicyName":(?:"[^"]*"|\{)/g) ?? [];
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(name).toMatch(/^"PolicyName":"[\w+=,.@-]{1,128}"$/);
  });
});

describe('the allowed jobs’ IAM statement', () => {
  const jobs = (count: number, length = 12) =>
    Array.from({ length: count }, (_, i) => `job-${String(i).padStart(3, '0')}`.padEnd(length, 'x'));
  const resolvedJobStatement = (names: readonly string[]) => {
    const policy = resolveValue(
      template,
      { ...WORST_CASE.deployment, AllowedJobNames: names.join(',') },
      jobPolicy(template),
    );
    return (policy as any).PolicyDocument.Statement[0];
  };

  it.each([1, 40, 200])('covers exactly the allowed jobs for %i names, in the stack’s region only', (count) => {
    const names = jobs(count);
    const statement = resolvedJobStatement(names);
    expect(statement.Action).toEqual(['glue:GetJob', 'glue:GetJobRuns', 'glue:StartJobRun']);
    expect(statement.Resource).toEqual(names.map((name) => `arn:*:glue:*:*:job/${name}`));
    expect(statement.Condition).toEqual({
      StringEquals: { 'aws:RequestedRegion': WORST_CASE.deployment['AWS::Region'] },
    });
  });

  it('a prefix entry grants its prefix, as the launcher’s allowlist reads it', () => {
    expect(resolvedJobStatement(['etl-*', 'report']).Resource).toEqual([
      'arn:*:glue:*:*:job/etl-*',
      'arn:*:glue:*:*:job/report',
    ]);
  });

  it('the parameter’s pattern takes names and prefixes, and nothing that would widen the ARN', () => {
    const pattern = new RegExp((template.Parameters.AllowedJobNames as any).AllowedPattern);
    for (const ok of ['nightly-etl', 'etl-*', '*', 'a.b@c+d=e_f', 'x'.repeat(255)])
      expect([ok, pattern.test(ok)]).toEqual([ok, true]);
    for (const bad of ['', 'a*b', '**', 'a?', 'a,b', 'a b', 'a/b', 'x'.repeat(256), 'é']) {
      expect([bad, pattern.test(bad)]).toEqual([bad, false]);
    }
  });

  it('with every option on and a 50-character stack name, the role’s inline policies stay within IAM’s quota', () => {
    const size = (names: readonly string[]) =>
      inlinePolicySize(template, 'GlueLauncherRole', {
        ...WORST_CASE.parameters,
        ...SAMPLE_PARAMETERS,
        AllowedJobNames: names.join(','),
      });
    // Each job costs its name and 22 characters: "arn:*:glue:*:*:job/" and its quotes and comma.
    expect(size(jobs(2, 20)) - size(jobs(1, 20))).toBe(20 + 22);
    const fitting = (length: number) => {
      let count = 1;
      while (size(jobs(count + 1, length)) <= ROLE_INLINE_POLICY_QUOTA) count += 1;
      return count;
    };
    expect(size(jobs(200, 12))).toBeLessThanOrEqual(ROLE_INLINE_POLICY_QUOTA);
    const capacity = { 20: fitting(20), 40: fitting(40), 64: fitting(64) };
    // docs/security-and-iam.md gives these numbers.
    const docs = readFileSync(join(__dirname, '../../docs/security-and-iam.md'), 'utf8');
    expect(docs).toContain(
      `about ${capacity[20]} jobs of 20 characters, ${capacity[40]} of 40 or ${capacity[64]} of 64 (two buckets in \`JobRequirementsBuckets\`, one KMS key)`,
    );
  });

  it('Lambda’s 4 KB of environment holds as many names as the docs say, in each function', () => {
    // Lambda's quota on a function's environment variables, all together (Lambda quotas: 4 KB). Counted as their
    // JSON, which is more than the names and values alone: a bound on the safe side.
    const ENVIRONMENT_QUOTA = 4 * 1024;
    const deployment = { ...WORST_CASE.deployment, RequirementsBucket: 'b'.repeat(63) };
    const sizeOf = (id: string, parameters: Record<string, string>) =>
      JSON.stringify(
        resolveValue(
          template,
          { ...WORST_CASE.parameters, ...SAMPLE_PARAMETERS, ...deployment, ...parameters },
          (template.Resources[id] as any).Properties.Environment.Variables,
        ),
      ).length;
    const capacity = (id: string, parameter: string, others: Record<string, string> = {}) => {
      let count = 1;
      while (sizeOf(id, { ...others, [parameter]: jobs(count + 1, 20).join(',') }) <= ENVIRONMENT_QUOTA) count += 1;
      return count;
    };
    const allowed = capacity('GlueLauncherFunction', 'AllowedJobNames', { StandingJobNames: '' });
    const standing = capacity('StandingRefresherFunction', 'StandingJobNames');
    // The launcher reads STANDING_JOB_NAMES too: beside an allowlist of one prefix, it holds as many.
    const standingInLauncher = capacity('GlueLauncherFunction', 'StandingJobNames', { AllowedJobNames: 'etl-*' });
    expect(standingInLauncher).toBeLessThanOrEqual(standing);
    const read = (file: string) => readFileSync(join(__dirname, '../../docs', file), 'utf8');
    expect(read('security-and-iam.md')).toContain(
      `Lambda's 4 KB of environment variables bounds the list first: about ${allowed} jobs of 20 characters`,
    );
    expect(read('standing-files.md')).toContain(
      `Lambda's 4 KB of environment variables holds about ${standingInLauncher} standing jobs of 20 characters`,
    );
  });

  it('the refresher’s role names each standing job, and holds as many as the docs say', () => {
    const size = (names: readonly string[]) =>
      inlinePolicySize(template, 'StandingRefresherRole', {
        ...WORST_CASE.parameters,
        ...SAMPLE_PARAMETERS,
        StandingJobNames: names.join(','),
      });
    const statement = resolveValue(
      template,
      { ...WORST_CASE.deployment, StandingJobNames: 'orders-etl,billing-etl' },
      (template.Resources.StandingRefresherRole as any)?.Properties?.Policies,
    ) as any[];
    expect(statement.find((p) => p.PolicyName === 'standing-jobs').PolicyDocument.Statement[0]).toEqual({
      Effect: 'Allow',
      Action: 'glue:GetJob',
      Resource: ['arn:*:glue:*:*:job/orders-etl', 'arn:*:glue:*:*:job/billing-etl'],
      Condition: { StringEquals: { 'aws:RequestedRegion': WORST_CASE.deployment['AWS::Region'] } },
    });
    let fitting = 1;
    while (size(jobs(fitting + 1, 20)) <= ROLE_INLINE_POLICY_QUOTA) fitting += 1;
    expect(fitting).toBeGreaterThanOrEqual(200);
    const docs = readFileSync(join(__dirname, '../../docs/standing-files.md'), 'utf8');
    expect(docs).toContain(`IAM's quota on the refresher's inline policies about ${fitting}`);
  });
});

describe('what the template deploys, further', () => {
  const resources = template.Resources as any;

  it('a schedule only when an expression is given, that passes the execution id as idempotency key', () => {
    const schedule = resources.LaunchSchedule as any;
    expect(schedule.Condition).toBe('HasSchedule');
    expect(schedule.Properties.Target.RoleArn).toEqual({ 'Fn::GetAtt': ['SchedulerRole', 'Arn'] });
    expect(template.Conditions?.HasSchedule).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ScheduleExpression' }, ''] }],
    });
    expect(JSON.parse(schedule.Properties.Target.Input)).toEqual({
      idempotencyKey: '<aws.scheduler.schedule-arn>#<aws.scheduler.scheduled-time>',
    });
    expect(schedule.Properties.Target.DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': ['FailedLaunchesQueue', 'Arn'] },
    });
  });

  it('publishing metadata for a Serverless Application Repository: no intrinsic functions, the package’s version', () => {
    const app = (template as any).Metadata['AWS::ServerlessRepo::Application'];
    const version = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).version;
    expect(app).toMatchObject({ Name: 'glue-launcher', SpdxLicenseId: 'MIT-0', SemanticVersion: version });
    expect(app.Author).toMatch(/^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$/); // SAR's pattern
    expect(app.Description.length).toBeLessThanOrEqual(256);
    expect(JSON.stringify(app)).not.toMatch(/"(Ref|Fn::\w+)"/);
    for (const file of [app.LicenseUrl, app.ReadmeUrl])
      expect(readFileSync(join(__dirname, '../..', file), 'utf8').length).toBeGreaterThan(0);
  });

  it('outputs the function’s ARN and name and the failure queue', () => {
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining(['FunctionArn', 'FunctionName', 'FailedLaunchesQueueUrl']),
    );
  });

  it('a scheduler role for more schedules, whatever ScheduleExpression, that create-schedule.sh finds by its output', () => {
    const role = resources.SchedulerRole as any;
    expect(role.Condition).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Service: 'scheduler.amazonaws.com',
    });
    expect(role.Properties.Policies[0].PolicyDocument.Statement[0]).toEqual({
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: { 'Fn::GetAtt': ['GlueLauncherFunction', 'Arn'] },
    });
    expect((template.Outputs as any).SchedulerRoleArn.Value).toEqual({ 'Fn::GetAtt': ['SchedulerRole', 'Arn'] });
    const script = readFileSync(join(__dirname, '../../examples/eventbridge/create-schedule.sh'), 'utf8');
    expect(script).toMatch(/role_arn=\$\{SCHEDULER_ROLE_ARN:-\$\(output SchedulerRoleArn\)\}/);
    expect(script).toMatch(/--target "\$\(jq [\s\S]*--arg role "\$role_arn"[\s\S]*RoleArn: \$role/);
  });
});
