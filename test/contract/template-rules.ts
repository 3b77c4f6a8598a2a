import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { PropertyType, SpecDatabase, Resource as SpecResource, TypeDefinition } from '@aws-cdk/service-spec-types';
import { resolveValue, type Template } from '../../local/tools/cloudformation';

/** A finding: where in the template, and what is wrong there. */
export type Problem = string;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Record<string, Json>;
type Resource = { Type: string; Properties?: Obj; Condition?: string; Metadata?: Obj; DependsOn?: Json };

const ROOT = join(__dirname, '../..');
const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NoValue',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);
const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'Condition',
  'DependsOn',
  'Metadata',
  'DeletionPolicy',
  'UpdateReplacePolicy',
]);

let db: SpecDatabase | undefined;
/** The AWS resource specification (CloudFormation and SAM types), from @aws-cdk/aws-service-spec. */
export const spec = (): SpecDatabase => {
  db ??= loadAwsServiceSpecSync();
  return db;
};

/**
 * Where the specification is known to be wrong, as the package's own patches do it: each with its reason.
 * SAM's EventInvokeConfig.DestinationConfig takes OnSuccess and OnFailure, each optional (SAM's
 * AWS::Serverless::Function reference), though the spec marks both required.
 */
const OPTIONAL_DESPITE_SPEC = new Set([
  'EventInvokeDestinationConfig.OnSuccess',
  'EventInvokeDestinationConfig.OnFailure',
]);

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const isIntrinsic = (value: unknown): boolean => {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0] as string).startsWith('Fn::') || keys[0] === 'Condition');
};

/** The template's resources (it has no Fn::ForEach: test/contract/template.test.ts holds it to one transform). */
export const templateResources = (template: Template): Record<string, Resource> =>
  template.Resources as unknown as Record<string, Resource>;

// ---------------------------------------------------------------------------------------------------------
// Rule 1: every resource's type and properties against the AWS resource specification.

const checkValue = (type: PropertyType, value: Json, where: string): Problem[] => {
  // Both branches of a condition are checked, as either may be deployed (AWS::NoValue stands for nothing).
  if (isObject(value) && Array.isArray(value['Fn::If'])) {
    return (value['Fn::If'].slice(1) as Json[])
      .filter((branch) => JSON.stringify(branch) !== '{"Ref":"AWS::NoValue"}')
      .flatMap((branch) => checkValue(type, branch, where));
  }
  if (isIntrinsic(value)) return [];
  switch (type.type) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number' ? [] : [`${where}: expected a string`];
    case 'number':
    case 'integer':
      return typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))
        ? []
        : [`${where}: expected a number`];
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false'
        ? []
        : [`${where}: expected a boolean`];
    case 'json':
      return isObject(value) || Array.isArray(value) || typeof value === 'string' ? [] : [`${where}: expected JSON`];
    case 'array':
      if (!Array.isArray(value)) return [`${where}: expected a list`];
      return value.flatMap((item, i) => checkValue(type.element, item, `${where}[${i}]`));
    case 'map':
      if (!isObject(value)) return [`${where}: expected a map`];
      return Object.entries(value).flatMap(([k, v]) => checkValue(type.element, v, `${where}.${k}`));
    case 'ref': {
      const definition = spec().get('typeDefinition', type.reference.$ref) as TypeDefinition;
      if (!isObject(value)) return [`${where}: expected a ${definition.name} object`];
      return checkProperties(definition.name, definition.properties, value, where);
    }
    case 'union': {
      const tries = type.types.map((member) => checkValue(member, value, where));
      return tries.some((problems) => problems.length === 0) ? [] : (tries[0] ?? []);
    }
    case 'tag':
      return isObject(value) && 'Key' in value && 'Value' in value ? [] : [`${where}: expected a tag`];
    default:
      return [];
  }
};

const checkProperties = (
  owner: string,
  properties: SpecResource['properties'],
  value: Obj,
  where: string,
): Problem[] => {
  const problems: Problem[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && !(name in value) && !OPTIONAL_DESPITE_SPEC.has(`${owner}.${name}`)) {
      problems.push(`${where}: ${name} is required`);
    }
  }
  for (const [name, v] of Object.entries(value)) {
    const property = properties[name];
    if (!property) problems.push(`${where}.${name}: not a property of ${owner}`);
    else problems.push(...checkValue(property.type, v, `${where}.${name}`));
  }
  return problems;
};

export const resourcesMatchSpec = (template: Template): Problem[] =>
  Object.entries(templateResources(template)).flatMap(([id, resource]) => {
    const problems: Problem[] = Object.keys(resource)
      .filter((key) => !RESOURCE_KEYS.has(key))
      .map((key) => `${id}: ${key} is not a resource attribute`);
    const [found] = spec().lookup('resource', 'cloudFormationType', 'equals', resource.Type);
    if (!found) return [...problems, `${id}: unknown resource type ${resource.Type}`];
    return [...problems, ...checkProperties(resource.Type, found.properties, resource.Properties ?? {}, id)];
  });

// ---------------------------------------------------------------------------------------------------------
// Rules 2 and 3: IAM.

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal?: Json;
  readonly Action: string | string[];
  readonly Resource: Json;
  readonly Condition?: Obj;
}

/** A policy's statements, each branch of an `Fn::If` statement counted (AWS::NoValue is none). */
const policyStatements = (document: Json): Statement[] => {
  if (!isObject(document)) return [];
  const statement = document.Statement;
  return ((Array.isArray(statement) ? statement : [statement]) as Json[]).flatMap((s) =>
    isObject(s) && Array.isArray(s['Fn::If'])
      ? (s['Fn::If'].slice(1) as Json[]).filter((branch) => isObject(branch) && !('Ref' in branch))
      : [s],
  ) as unknown as Statement[];
};

/** A role's inline policies, each branch of an `Fn::If` policy counted (AWS::NoValue is none). */
export const inlinePolicies = (role: Resource | undefined): Obj[] =>
  ((role?.Properties?.Policies ?? []) as Json[]).flatMap((p) =>
    isObject(p) && Array.isArray(p['Fn::If'])
      ? (p['Fn::If'].slice(1) as Json[]).filter((branch): branch is Obj => isObject(branch) && !('Ref' in branch))
      : isObject(p)
        ? [p]
        : [],
  );

/** The statements that apply to the launcher's role: its inline policies and each RolePolicy attached to it. */
export const launcherStatements = (template: Template, role = 'GlueLauncherRole'): Statement[] => {
  const resources = templateResources(template);
  const inline = inlinePolicies(resources[role]).flatMap((p) => policyStatements(p.PolicyDocument as Json));
  const attached = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::RolePolicy' || r.Type === 'AWS::IAM::Policy')
    .filter((r) => JSON.stringify(r.Properties?.RoleName ?? r.Properties?.Roles).includes(`"Ref":"${role}"`))
    .flatMap((r) => policyStatements(r.Properties?.PolicyDocument as Json));
  return [...inline, ...attached];
};

export const actions = (statement: Statement): string[] => [statement.Action].flat();

/** The IAM actions behind the SDK commands the code sends, read from src/aws/. */
export const actionsTheCodeNeeds = (dir = join(ROOT, 'src/aws')): string[] => {
  const needed = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const [, names, service] of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([\w-]+)'/g)) {
      for (const [, command] of (names as string).matchAll(/\b(\w+)Command\b/g)) {
        // HeadObject has no action of its own: it needs s3:GetObject (S3 API reference, HeadObject).
        const action = command === 'HeadObject' ? 'GetObject' : command;
        if (new RegExp(`new ${command}Command\\(`).test(text)) needed.add(`${service}:${action}`);
      }
    }
  }
  // CodeArtifact's token needs a service bearer token, and is only useful if the role may read the repository.
  if (needed.has('codeartifact:GetAuthorizationToken')) {
    needed.add('sts:GetServiceBearerToken');
    needed.add('codeartifact:ReadFromRepository');
  }
  return [...needed].sort();
};

export const iamCoversCode = (template: Template, needed = actionsTheCodeNeeds()): Problem[] => {
  const granted = new Set(
    launcherStatements(template)
      .filter((s) => s.Effect === 'Allow')
      .flatMap(actions),
  );
  return needed.filter((action) => !granted.has(action)).map((action) => `the launcher's role lacks ${action}`);
};

/**
 * Parameter values that turn every optional part of the template on, and values for what only a deployment knows
 * (pseudo parameters, resources' names and ARNs), each as long as AWS allows it, so that a policy resolved with
 * them is as large as it can be: a 50-character stack name (the function's name, stack name and
 * "-glue-launcher", must fit Lambda's 64), the longest partition and region codes, names CloudFormation generates at
 * their longest.
 */
export const WORST_CASE = (() => {
  const partition = 'aws-us-gov';
  const region = 'ap-southeast-5';
  const account = '123456789012';
  const stack = 's'.repeat(50);
  const arn = (service: string, resource: string, inRegion = true) =>
    `arn:${partition}:${service}:${inRegion ? region : ''}:${inRegion ? account : ''}:${resource}`;
  return {
    parameters: {
      CodeArtifactDomain: 'd'.repeat(50),
      CodeArtifactDomainOwner: account,
      CodeArtifactRepository: 'r'.repeat(100),
      TokenDelivery: 'auto',
      GlueJobRoleArns: `arn:${partition}:iam::${account}:role/glue-job`,
      IdempotencyTable: 'create',
      SubnetIds: 'subnet-0123456789abcdef0',
      SecurityGroupIds: 'sg-0123456789abcdef0',
      ScheduleExpression: 'rate(1 hour)',
      AlarmEmail: 'team@example.com',
      StandingJobNames: 'orders-etl',
    },
    deployment: {
      'AWS::Partition': partition,
      'AWS::Region': region,
      'AWS::AccountId': account,
      'AWS::StackName': stack,
      'GlueLauncherLogGroup.Arn': arn('logs', `log-group:/aws/lambda/${stack}-glue-launcher:*`),
      'StandingRefresherLogGroup.Arn': arn('logs', `log-group:/aws/lambda/${stack}-standing-refresher:*`),
      'FailedLaunchesQueue.Arn': arn('sqs', `${stack}-FailedLaunchesQueue-${'Q'.repeat(13)}`.slice(0, 80)),
      'RequirementsBucket.Arn': arn('s3', `${stack}-requirementsbucket-${'b'.repeat(12)}`.slice(0, 63), false),
      LockTable: `${stack}-LockTable-${'T'.repeat(13)}`,
    },
  } as const;
})();

/** IAM's quota on a role's inline policies together, in characters other than white space (IAM and STS quotas). */
export const ROLE_INLINE_POLICY_QUOTA = 10_240;

/** The size IAM counts of a role's inline policies together, resolved for these parameters and this deployment. */
export const inlinePolicySize = (
  template: Template,
  role: string,
  parameters: Readonly<Record<string, string>>,
  deployment: Readonly<Record<string, string>> = WORST_CASE.deployment,
): number => {
  const policies = resolveValue(
    template,
    { ...parameters, ...deployment },
    templateResources(template)[role]?.Properties?.Policies,
  ) as { PolicyDocument: unknown }[] | undefined;
  return (policies ?? []).reduce(
    (sum, policy) => sum + JSON.stringify(policy.PolicyDocument).replace(/\s/g, '').length,
    0,
  );
};

/** An ARN's segments: partition, service, region, account, resource. */
const arnSegments = (arn: string) => {
  const [, partition, service, region, account, ...rest] = arn.split(':');
  return { partition, service, region, account, resource: rest.join(':') };
};

/**
 * Where a wildcard in an allowed resource is the template's documented construction, and nothing wider: the
 * partition segment (a role acts in its own partition alone); the region segment, when the statement pins
 * `aws:RequestedRegion` to the stack's region; the account segment of a Glue job ARN (Glue jobs take no
 * resource-based policy, so a role reaches its own account's jobs alone); the objects under one named bucket
 * (`bucket/*` or `bucket/prefix/*`); and the one unscoped `*`, sts:GetServiceBearerToken for CodeArtifact alone.
 * docs/adr/0017-one-transform-and-iam-from-intrinsics.md.
 */
const documentedWildcard = (arn: string, statement: Statement): boolean => {
  if (arn === '*') {
    return (
      actions(statement).join() === 'sts:GetServiceBearerToken' &&
      JSON.stringify(statement.Condition) ===
        JSON.stringify({ StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } })
    );
  }
  const { partition, service, region, account, resource } = arnSegments(arn);
  const regionPinned =
    JSON.stringify((statement.Condition?.StringEquals as Obj | undefined)?.['aws:RequestedRegion']) ===
    JSON.stringify(WORST_CASE.deployment['AWS::Region']);
  const resourceOk =
    !resource.includes('*') ||
    (service === 's3' && /^[a-z0-9][a-z0-9.-]+\/([\w!.'()-]+\/)*\*$/.test(resource)) ||
    (service === 'logs' && /^log-group:[^*]+:\*$/.test(resource));
  return (
    !service?.includes('*') &&
    (region !== '*' || regionPinned) &&
    (account !== '*' || service === 'glue') &&
    (!partition?.includes('*') || partition === '*') &&
    resourceOk
  );
};

/**
 * Allow statements only (a Deny on everything grants nothing: the requirements bucket's TLS-only rule), each
 * resolved with every option on and sample job names (none with a "*" of its own), and every ARN it allows held to
 * the wildcards the template documents.
 */
export const noOtherWildcards = (template: Template): Problem[] => {
  const values = { ...WORST_CASE.parameters, ...WORST_CASE.deployment, ...SAMPLE_PARAMETERS };
  return Object.entries(templateResources(template)).flatMap(([id, resource]) => {
    const documents = [
      ...inlinePolicies(resource).map((p) => p.PolicyDocument as Json),
      resource.Properties?.PolicyDocument as Json,
    ];
    return documents
      .flatMap((document) => policyStatements(resolveValue(template, values, document) as Json))
      .filter((s) => s && s.Effect === 'Allow')
      .filter((s) => [s.Resource].flat().some((arn) => typeof arn === 'string' && !documentedWildcard(arn, s)))
      .map((s) => `${id}: ${actions(s).join(', ')} on a wildcard resource`);
  });
};

/** Sample values for the lists the template builds ARNs from: no "*" of their own. */
export const SAMPLE_PARAMETERS = {
  AllowedJobNames: 'nightly-etl,hourly-etl',
  GlueJobName: 'nightly-etl',
  JobRequirementsBuckets: 'team-requirements,shared-requirements',
  JobRequirementsKmsKeyArns: 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666',
  StandingJobNames: 'orders-etl,billing-etl',
};

// ---------------------------------------------------------------------------------------------------------
// Rules 4 and 5: the build and the environment.

const functions = (template: Template) =>
  Object.entries(templateResources(template)).filter(([, r]) => r.Type === 'AWS::Serverless::Function');

export const entryPointsExist = (template: Template, root = ROOT): Problem[] =>
  functions(template).flatMap(([id, fn]) => {
    const properties = (fn.Metadata?.BuildProperties ?? {}) as Obj;
    const entries = (properties.EntryPoints ?? []) as string[];
    if (fn.Metadata?.BuildMethod !== 'esbuild' || entries.length === 0) return [`${id}: no esbuild entry point`];
    return entries
      .filter((entry) => !existsSync(join(root, String(fn.Properties?.CodeUri ?? '.'), entry)))
      .map((entry) => `${id}: entry point ${entry} does not exist`);
  });

/** The text of every .ts file under dir. */
const sourceTexts = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceTexts(full);
    return entry.name.endsWith('.ts') ? [readFileSync(full, 'utf8')] : [];
  });

/**
 * Variables the code reads that the template must not set: Lambda's reserved ones, which its runtime sets (Lambda's
 * "Defined runtime environment variables"), and retired ones, read only to say what replaced them.
 */
const SET_BY_LAMBDA = new Set(['AWS_REGION', 'MAX_WORKERS']);

/** Every variable the code reads, from process.env or the env it is given (src/**), but those Lambda sets itself. */
export const variablesTheCodeReads = (dir = join(ROOT, 'src')): string[] => {
  const found = new Set<string>();
  for (const text of sourceTexts(dir)) {
    for (const [, name] of text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) {
      if (!SET_BY_LAMBDA.has(name as string)) found.add(name as string);
    }
  }
  return [...found].sort();
};

/**
 * The parameter an error message tells the user to set is the one the template feeds that variable from: every
 * "VAR (template parameter P)" or "VAR=n (raise the template parameter P" written in src/, and every pair of the code's own map of them.
 */
export const parametersTheMessagesName = (
  template: Template,
  parameters: Readonly<Record<string, string | undefined>>,
  dir = join(ROOT, 'src'),
): Problem[] => {
  const problems: Problem[] = [];
  const set = (functions(template)[0]?.[1].Properties?.Environment as Obj | undefined)?.Variables as Obj;
  for (const [variable, parameter] of Object.entries(parameters)) {
    const refs = [...JSON.stringify(set?.[variable] ?? null).matchAll(/"Ref":"(\w+)"/g)].map((m) => m[1]);
    const fromParameters = refs.filter((ref) => ref !== undefined && ref in template.Parameters);
    if (parameter === undefined ? fromParameters.length > 0 : !fromParameters.includes(parameter)) {
      problems.push(
        `${variable} comes from ${fromParameters.join(', ') || 'no parameter'}, the code says ${parameter}`,
      );
    }
  }
  for (const text of sourceTexts(dir)) {
    for (const [phrase, variable, parameter] of text.matchAll(
      /\b([A-Z][A-Z0-9_]{2,})\b[^()\n]{0,70}?\([^()\n]{0,20}?template parameter (\w+)/g,
    )) {
      if (parameters[variable as string] !== parameter) problems.push(`"${phrase}" names the wrong parameter`);
    }
    for (const [, parameter] of text.matchAll(/template parameter (\w+)/g)) {
      if (!((parameter as string) in template.Parameters))
        problems.push(`template parameter ${parameter} does not exist`);
    }
  }
  return problems;
};

/**
 * Literals on purpose: the service's name and the metrics' namespace (dashboards and alarms name them), and the
 * requirements prefix, which the launcher's IAM grant, the job roles' read and the bucket policy are scoped to.
 */
const LITERAL_OK = [
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'REQUIREMENTS_PREFIX',
  'STANDING_PREFIX',
];

/** Every variable set, and set from a parameter or a resource the template creates, not a hard-coded value. */
export const environmentFromParameters = (
  template: Template,
  /** The variables each function reads, by its logical id. */
  variablesOf: (id: string) => readonly string[],
  literalOk: readonly string[] = LITERAL_OK,
): Problem[] =>
  functions(template).flatMap(([id, fn]) => {
    const set = ((fn.Properties?.Environment as Obj | undefined)?.Variables ?? {}) as Obj;
    return variablesOf(id).flatMap((name) => {
      if (!(name in set)) return [`${id}: ${name} is not set`];
      if (literalOk.includes(name)) return [];
      const refs = [...JSON.stringify(set[name]).matchAll(/"Ref":"([\w:]+)"/g)].map((m) => m[1] as string);
      const declared = (ref: string) => ref in template.Parameters || ref in template.Resources;
      return refs.some(declared) ? [] : [`${id}: ${name} is not set from a parameter`];
    });
  });

// ---------------------------------------------------------------------------------------------------------
// Rule 7: the requirements bucket keeps its secrets (docs/adr/0011-requirements-file-delivery.md).

const REQUIREMENTS_PREFIX = 'glue-launcher/';
const STANDING_PREFIX = 'glue-launcher-standing/';

/** Private, encrypted, TLS-only, written by the launcher alone, emptied daily, retained; grants scoped to the prefix. */
export const requirementsBucketIsPrivate = (template: Template): Problem[] => {
  const resources = templateResources(template);
  const bucket = Object.entries(resources).find(([, r]) => r.Type === 'AWS::S3::Bucket');
  if (!bucket) return ['no requirements bucket'];
  const [id, { Properties: p = {}, ...attributes }] = bucket;
  const problems: Problem[] = [];
  const block = (p.PublicAccessBlockConfiguration ?? {}) as Obj;
  for (const flag of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']) {
    if (block[flag] !== true) problems.push(`${id}: public access not blocked (${flag})`);
  }
  if (!JSON.stringify(p.BucketEncryption ?? {}).includes('SSEAlgorithm')) problems.push(`${id}: not encrypted`);
  const rules = ((p.LifecycleConfiguration as Obj | undefined)?.Rules ?? []) as Obj[];
  if (!rules.some((r) => r.Status === 'Enabled' && r.ExpirationInDays === 1 && !('Prefix' in r) && !('Filter' in r))) {
    problems.push(`${id}: objects do not expire after 1 day`);
  }
  const resource = attributes as Record<string, Json>;
  for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy']) {
    if (resource[policy] !== 'Retain') problems.push(`${id}: ${policy} is not Retain`);
  }
  const bucketPolicy = Object.values(resources).find(
    (r) => r.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(r.Properties?.Bucket) === JSON.stringify({ Ref: id }),
  );
  const statements = policyStatements((bucketPolicy?.Properties?.PolicyDocument ?? null) as Json);
  const denies = (action: string, condition: string) =>
    statements.some(
      (s) =>
        s.Effect === 'Deny' && actions(s).includes(action) && JSON.stringify(s.Condition ?? {}).includes(condition),
    );
  if (!denies('s3:*', '"aws:SecureTransport":"false"')) problems.push(`${id}: requests without TLS are not denied`);
  const writers = statements.find(
    (s) => s.Effect === 'Deny' && actions(s).includes('s3:PutObject') && 'ArnNotEquals' in (s.Condition ?? {}),
  );
  const allowedWriters = JSON.stringify((writers?.Condition as Obj | undefined)?.ArnNotEquals ?? null);
  if (
    !allowedWriters.includes('{"Fn::GetAtt":["GlueLauncherRole","Arn"]}') ||
    !allowedWriters.includes('{"Fn::GetAtt":["StandingRefresherRole","Arn"]}') ||
    JSON.stringify(writers?.Resource) !== JSON.stringify({ 'Fn::Sub': `\${${id}.Arn}/*` })
  ) {
    problems.push(`${id}: principals other than the launcher and the refresher may write`);
  }
  // Each grant on the bucket's objects is scoped to the per-launch prefix or the standing one.
  const scopes = [REQUIREMENTS_PREFIX, STANDING_PREFIX].map((prefix) =>
    JSON.stringify({ 'Fn::Sub': `\${${id}.Arn}/${prefix}*` }),
  );
  const grants = [
    ...statements,
    ...launcherStatements(template),
    ...launcherStatements(template, 'StandingRefresherRole'),
  ].filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource).includes(`${id}.Arn`));
  for (const grant of grants) {
    if (![grant.Resource].flat().every((resource) => scopes.includes(JSON.stringify(resource)))) {
      problems.push(
        `${id}: ${actions(grant).join(', ')} is not scoped to ${REQUIREMENTS_PREFIX} or ${STANDING_PREFIX}`,
      );
    }
  }
  // The refresher writes standing files alone: its grant on the bucket is PutObject under the standing prefix.
  for (const grant of launcherStatements(template, 'StandingRefresherRole')) {
    if (grant.Effect !== 'Allow' || !JSON.stringify(grant.Resource).includes(`${id}.Arn`)) continue;
    if (JSON.stringify(grant.Resource) !== scopes[1] || actions(grant).join() !== 's3:PutObject') {
      problems.push(
        `${id}: the refresher's ${actions(grant).join(', ')} reaches beyond PutObject on ${STANDING_PREFIX}`,
      );
    }
  }
  return problems;
};

/**
 * The standing refresher writes files and reads jobs: its role allows exactly what its code sends (GetJob, the
 * token and the endpoint, GetObject on the sources, PutObject on the standing prefix, its logs) and never starts a
 * run or changes a job (docs/standing-files.md).
 */
export const REFRESHER_ACTIONS = [
  'codeartifact:GetAuthorizationToken',
  'codeartifact:GetRepositoryEndpoint',
  'codeartifact:ReadFromRepository',
  'glue:GetJob',
  'kms:Decrypt',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  's3:GetObject',
  's3:PutObject',
  'sts:GetServiceBearerToken',
];

export const refresherRoleIsLeast = (template: Template, role = 'StandingRefresherRole'): Problem[] => {
  const allowed = launcherStatements(template, role).filter((s) => s.Effect === 'Allow');
  if (allowed.length === 0) return [`${role}: no statement`];
  const granted = [...new Set(allowed.flatMap(actions))].sort();
  const problems = granted
    .filter((action) => !REFRESHER_ACTIONS.includes(action))
    .map((action) => `${role} allows ${action}, which the refresher never sends`);
  for (const action of ['glue:GetJob', 's3:PutObject', 'codeartifact:GetAuthorizationToken']) {
    if (!granted.includes(action)) problems.push(`${role} lacks ${action}`);
  }
  return problems;
};

// ---------------------------------------------------------------------------------------------------------
// Rule 6: every Ref, GetAtt and ${} names something declared.

export const referencesResolve = (template: Template): Problem[] => {
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const resources = new Set(Object.keys(templateResources(template)));
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const problems: Problem[] = [];
  const visit = (node: Json, where: string, scope: ReadonlySet<string>) => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) visit(item, `${where}[${i}]`, scope);
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string') {
        if (!parameters.has(value) && !resources.has(value) && !PSEUDO.has(value) && !scope.has(value)) {
          problems.push(`${where}: Ref to undeclared ${value}`);
        }
      } else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(value) ? value[0] : String(value).split('.')[0];
        if (!resources.has(String(target))) problems.push(`${where}: GetAtt of undeclared ${target}`);
      } else if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(value) ? (value as [string, Obj?]) : [value as string, {}];
        const local = new Set([...scope, ...Object.keys(variables ?? {})]);
        for (const [, name] of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const base = (name as string).split('.')[0] as string;
          if (!parameters.has(base) && !resources.has(base) && !PSEUDO.has(base) && !local.has(base)) {
            problems.push(`${where}: \${${name}} names nothing declared`);
          }
        }
        if (variables) visit(variables, `${where}.Fn::Sub`, scope);
      } else if ((key === 'Condition' || key === 'Fn::If') && (typeof value === 'string' || Array.isArray(value))) {
        const name = typeof value === 'string' ? value : value[0];
        if (typeof name === 'string' && !conditions.has(name)) problems.push(`${where}: undeclared condition ${name}`);
        if (Array.isArray(value)) visit(value.slice(1), `${where}.${key}`, scope);
      } else if (key.startsWith('Fn::ForEach::') && Array.isArray(value)) {
        const [identifier, collection, fragment] = value as [string, Json, Json];
        visit(collection, `${where}.${key}`, scope);
        visit(fragment, `${where}.${key}`, new Set([...scope, identifier]));
      } else {
        visit(value, where === '' ? key : `${where}.${key}`, scope);
      }
    }
  };
  visit(template.Resources as unknown as Json, 'Resources', new Set());
  visit((template.Outputs ?? {}) as Json, 'Outputs', new Set());
  visit((template.Conditions ?? {}) as Json, 'Conditions', new Set());
  return problems;
};

// ---------------------------------------------------------------------------------------------------------
// Rule 8: operations reach a person, state outlives the stack, private subnets are optional.

const refersTo = (value: Json, id: string) =>
  JSON.stringify(value) === JSON.stringify({ Ref: id }) ||
  JSON.stringify(value) === JSON.stringify({ 'Fn::GetAtt': [id, 'QueueName'] });

/** An alarm on each of the queue and the function's errors, each to the topic a person can subscribe to. */
export const alarmsReachAPerson = (template: Template): Problem[] => {
  const resources = templateResources(template);
  const topic = Object.entries(resources).find(([, r]) => r.Type === 'AWS::SNS::Topic')?.[0];
  if (!topic) return ['no SNS topic for the alarms'];
  const problems: Problem[] = [];
  const email = Object.values(resources).find((r) => r.Type === 'AWS::SNS::Subscription');
  if (!email || !refersTo(email.Properties?.TopicArn as Json, topic) || email.Properties?.Protocol !== 'email') {
    problems.push(`no e-mail subscription to ${topic}`);
  } else if (!email.Condition) problems.push('the e-mail subscription is not optional (no Condition)');
  const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  const watched = (namespace: string, metric: string, dimension: string, target: string) =>
    alarms.some((alarm) => {
      const p = alarm.Properties ?? {};
      const dimensions = (p.Dimensions ?? []) as Obj[];
      return (
        p.Namespace === namespace &&
        p.MetricName === metric &&
        dimensions.some((d) => d.Name === dimension && refersTo(d.Value as Json, target)) &&
        ((p.AlarmActions ?? []) as Json[]).some((action) => refersTo(action, topic))
      );
    });
  if (!watched('AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', 'FailedLaunchesQueue')) {
    problems.push(`no alarm on the failed-launches queue that notifies ${topic}`);
  }
  // The launcher's own failures: Lambda's errors less the requests it refused (metric math over both).
  const ownFailures = alarms.some((alarm) => {
    const p = alarm.Properties ?? {};
    const queries = (p.Metrics ?? []) as Obj[];
    const stat = (namespace: string, metric: string, dimension: string, value: Json) =>
      queries.find((q) => {
        const m = ((q.MetricStat as Obj | undefined)?.Metric ?? {}) as Obj;
        return (
          m.Namespace === namespace &&
          m.MetricName === metric &&
          ((m.Dimensions ?? []) as Obj[]).some(
            (d) => d.Name === dimension && JSON.stringify(d.Value) === JSON.stringify(value),
          )
        );
      })?.Id;
    const errors = stat('AWS/Lambda', 'Errors', 'FunctionName', { Ref: 'GlueLauncherFunction' });
    const refused = stat('GlueLauncher', 'RequestsRefused', 'service', { Ref: 'AWS::StackName' });
    const alarmed = queries.find((q) => q.ReturnData === true)?.Expression;
    return (
      errors !== undefined &&
      refused !== undefined &&
      alarmed === `${errors} - FILL(${refused}, 0)` &&
      ((p.AlarmActions ?? []) as Json[]).some((action) => refersTo(action, topic))
    );
  });
  if (!ownFailures) problems.push(`no alarm on the launcher's own failures that notifies ${topic}`);
  return problems;
};

/** The queue, the log group and the requirements bucket survive a deletion or a replacement of the stack's copy. */
export const stateIsRetained = (template: Template): Problem[] =>
  Object.entries(templateResources(template))
    .filter(([, r]) => ['AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket'].includes(r.Type))
    .flatMap(([id, r]) =>
      ['DeletionPolicy', 'UpdateReplacePolicy']
        .filter((policy) => (r as Record<string, Json>)[policy] !== 'Retain')
        .map((policy) => `${id}: ${policy} is not Retain`),
    );

/** Subnets place the function in a VPC, with the policy Lambda then needs, both only when subnets are given. */
export const vpcIsOptional = (template: Template): Problem[] => {
  const resources = templateResources(template);
  const condition = template.Conditions?.InVpc as Json;
  const problems: Problem[] = [];
  if (!JSON.stringify(condition ?? null).includes('"Ref":"SubnetIds"'))
    problems.push('InVpc does not depend on SubnetIds');
  const vpc = resources.GlueLauncherFunction?.Properties?.VpcConfig as Obj | undefined;
  const [when, given = {}, otherwise] = (vpc?.['Fn::If'] ?? []) as [string?, Obj?, Json?];
  if (when !== 'InVpc' || JSON.stringify(otherwise) !== '{"Ref":"AWS::NoValue"}') {
    problems.push("the function's VpcConfig is not conditional on InVpc");
  } else if (
    !refersTo(given.SubnetIds as Json, 'SubnetIds') ||
    !refersTo(given.SecurityGroupIds as Json, 'SecurityGroupIds')
  ) {
    problems.push("the function's VpcConfig does not take SubnetIds and SecurityGroupIds");
  }
  const managed = JSON.stringify(resources.GlueLauncherRole?.Properties?.ManagedPolicyArns ?? null);
  if (!managed.startsWith('{"Fn::If":["InVpc"') || !managed.includes('AWSLambdaVPCAccessExecutionRole')) {
    problems.push('the role does not get AWSLambdaVPCAccessExecutionRole under InVpc');
  }
  return problems;
};

// ---------------------------------------------------------------------------------------------------------
// Rule: the dashboard draws what the code publishes (docs/operations.md).

/** Every metric the code publishes, read from its addMetric calls. */
export const metricsTheCodePublishes = (file = join(ROOT, 'src/observability.ts')): string[] =>
  [...new Set([...readFileSync(file, 'utf8').matchAll(/addMetric\('(\w+)'/g)].map((m) => m[1] as string))].sort();

/** The metrics counted by error name as well as in all (a dimension set of their own). */
const BY_ERROR_NAME = ['LaunchesFailed', 'RequestsRefused', 'StandingRefreshFailures'];

/**
 * The dashboard's body is JSON once its ${} are filled; it draws each of the code's metrics in its namespace, under
 * the stack's own service (LaunchesFailed and RequestsRefused by ErrorName as well), the function's duration and the
 * failed-launches queue.
 */
export const dashboardDrawsMetrics = (template: Template, metrics: readonly string[]): Problem[] => {
  const resources = templateResources(template);
  const found = Object.entries(resources).find(([, r]) => r.Type === 'AWS::CloudWatch::Dashboard');
  if (!found) return ['no dashboard'];
  const [id, dashboard] = found;
  const sub = (dashboard.Properties?.DashboardBody as Obj | undefined)?.['Fn::Sub'];
  if (typeof sub !== 'string') return [`${id}: DashboardBody is not a Fn::Sub string`];
  let body: { widgets?: { properties?: { metrics?: Json[][] } }[] };
  try {
    body = JSON.parse(sub.replace(/\$\{([\w:.]+)\}/g, (_, name: string) => `<${name}>`));
  } catch (error) {
    return [`${id}: DashboardBody is not JSON: ${(error as Error).message}`];
  }
  const lines = (body.widgets ?? []).flatMap((widget) => widget.properties?.metrics ?? []);
  const drawn = new Set(
    lines.flatMap((line) => {
      const expression = (line[0] as Obj | undefined)?.expression;
      if (typeof expression === 'string') {
        const search = /^SEARCH\('\{(\w+),([\w,]+)\} MetricName="(\w+)" service="([^"]+)"/.exec(expression);
        return search ? [`${search[1]}/${search[3]} by ${search[2]} service=${search[4]}`] : [];
      }
      return [`${line[0]}/${line[1]} ${line[2]}=${line[3]}`];
    }),
  );
  const wanted = [
    ...metrics.map((metric) =>
      BY_ERROR_NAME.includes(metric)
        ? `GlueLauncher/${metric} by ErrorName,service service=<AWS::StackName>`
        : `GlueLauncher/${metric} service=<AWS::StackName>`,
    ),
    'AWS/Lambda/Duration FunctionName=<GlueLauncherFunction>',
    'AWS/SQS/ApproximateNumberOfMessagesVisible QueueName=<FailedLaunchesQueue.QueueName>',
  ];
  return wanted.filter((line) => !drawn.has(line)).map((line) => `${id} does not draw ${line}`);
};
