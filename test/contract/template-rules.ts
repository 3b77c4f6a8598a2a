import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { PropertyType, SpecDatabase, Resource as SpecResource, TypeDefinition } from '@aws-cdk/service-spec-types';
import type { Template } from '../../local/tools/cloudformation';

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

// ---------------------------------------------------------------------------------------------------------
// Fn::ForEach, expanded as AWS::LanguageExtensions would, with a sample collection.

const replaceIdentifier = (node: Json, identifier: string, value: string): Json => {
  const swap = (text: string) =>
    text
      .split(`\${${identifier}}`)
      .join(value)
      .split(`&{${identifier}}`)
      .join(value.replace(/[^A-Za-z0-9]/g, ''));
  if (typeof node === 'string') return swap(node);
  if (Array.isArray(node)) return node.map((item) => replaceIdentifier(item, identifier, value));
  if (isObject(node)) {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [swap(k), replaceIdentifier(v, identifier, value)]));
  }
  return node;
};

export const SAMPLE_JOBS = ['nightly-etl', 'hourly-etl'];

/** The Resources with every Fn::ForEach loop expanded over SAMPLE_JOBS. */
export const expandedResources = (template: Template): Record<string, Resource> => {
  const out: Record<string, Resource> = {};
  for (const [id, value] of Object.entries(template.Resources)) {
    if (id.startsWith('Fn::ForEach::')) {
      const [identifier, , fragment] = value as [string, Json, Obj];
      for (const sample of SAMPLE_JOBS) Object.assign(out, replaceIdentifier(fragment, identifier, sample));
    } else {
      out[id] = value as Resource;
    }
  }
  return out;
};

// ---------------------------------------------------------------------------------------------------------
// Rule 1: every resource's type and properties against the AWS resource specification.

const checkValue = (type: PropertyType, value: Json, where: string): Problem[] => {
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
  Object.entries(expandedResources(template)).flatMap(([id, resource]) => {
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

/** The statements that apply to the launcher's role: its inline policies and each RolePolicy attached to it. */
export const launcherStatements = (template: Template, role = 'GlueLauncherRole'): Statement[] => {
  const resources = expandedResources(template);
  const inline = ((resources[role]?.Properties?.Policies ?? []) as Obj[]).flatMap((p) =>
    policyStatements(p.PolicyDocument as Json),
  );
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
        if (new RegExp(`new ${command}Command\\(`).test(text)) needed.add(`${service}:${command}`);
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
 * The objects of one named bucket, under a prefix or not (`${Bucket.Arn}/prefix/*`, `arn:...:s3:::${Name}/*`, or a
 * bucket name a loop put there): a scope, not a wildcard resource.
 */
const S3_OBJECTS =
  /^(\$\{\w+\.Arn\}|arn:\$\{AWS::Partition\}:s3:::(\$\{\w+\}|[a-z0-9][a-z0-9.-]+))\/([\w!.'()-]+\/)*\*$/;
const scopedObjects = (resource: Json): boolean =>
  isObject(resource) && typeof resource['Fn::Sub'] === 'string' && S3_OBJECTS.test(resource['Fn::Sub']);

const hasWildcard = (resource: Json): boolean =>
  [resource].flat().some(
    (one) =>
      !scopedObjects(one) &&
      JSON.stringify(one)
        .replace(/"(Ref|Fn::[\w:]+)"/g, '')
        .includes('*'),
  );

/** Allow statements only: a Deny on everything grants nothing (the requirements bucket's TLS-only rule). */
export const noOtherWildcards = (template: Template): Problem[] =>
  Object.entries(expandedResources(template)).flatMap(([id, resource]) => {
    const documents = [
      ...((resource.Properties?.Policies ?? []) as Obj[]).map((p) => p.PolicyDocument as Json),
      resource.Properties?.PolicyDocument as Json,
    ];
    return documents
      .flatMap(policyStatements)
      .filter((s) => s && s.Effect === 'Allow' && hasWildcard(s.Resource))
      .filter(
        (s) =>
          !(
            actions(s).length === 1 &&
            actions(s)[0] === 'sts:GetServiceBearerToken' &&
            s.Resource === '*' &&
            JSON.stringify(s.Condition) ===
              JSON.stringify({ StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } })
          ),
      )
      .map((s) => `${id}: ${actions(s).join(', ')} on a wildcard resource`);
  });

// ---------------------------------------------------------------------------------------------------------
// Rules 4 and 5: the build and the environment.

const functions = (template: Template) =>
  Object.entries(expandedResources(template)).filter(([, r]) => r.Type === 'AWS::Serverless::Function');

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

/** Every variable the code reads, from process.env or the env it is given (src/**). */
export const variablesTheCodeReads = (dir = join(ROOT, 'src')): string[] => {
  const found = new Set<string>();
  for (const text of sourceTexts(dir)) {
    for (const [, name] of text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) found.add(name as string);
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
const LITERAL_OK = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'REQUIREMENTS_PREFIX'];

/** Every variable set, and set from a parameter or a resource the template creates, not a hard-coded value. */
export const environmentFromParameters = (
  template: Template,
  variables: readonly string[],
  literalOk: readonly string[] = LITERAL_OK,
): Problem[] =>
  functions(template).flatMap(([id, fn]) => {
    const set = ((fn.Properties?.Environment as Obj | undefined)?.Variables ?? {}) as Obj;
    return variables.flatMap((name) => {
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

/** Private, encrypted, TLS-only, written by the launcher alone, emptied daily, retained; grants scoped to the prefix. */
export const requirementsBucketIsPrivate = (template: Template): Problem[] => {
  const resources = expandedResources(template);
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
  if (!denies('s3:PutObject', `"aws:PrincipalArn":{"Fn::GetAtt":["GlueLauncherRole","Arn"]}`)) {
    problems.push(`${id}: principals other than the launcher may write`);
  }
  const scoped = `\${${id}.Arn}/${REQUIREMENTS_PREFIX}*`;
  const grants = [...statements, ...launcherStatements(template)].filter(
    (s) => s.Effect === 'Allow' && JSON.stringify(s.Resource).includes(`${id}.Arn`),
  );
  for (const grant of grants) {
    if (JSON.stringify(grant.Resource) !== JSON.stringify({ 'Fn::Sub': scoped })) {
      problems.push(`${id}: ${actions(grant).join(', ')} is not scoped to ${REQUIREMENTS_PREFIX}`);
    }
  }
  return problems;
};

// ---------------------------------------------------------------------------------------------------------
// Rule 6: every Ref, GetAtt and ${} names something declared.

export const referencesResolve = (template: Template): Problem[] => {
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const resources = new Set(Object.keys(expandedResources(template)));
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
  const resources = expandedResources(template);
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
  if (!watched('AWS/Lambda', 'Errors', 'FunctionName', 'GlueLauncherFunction')) {
    problems.push(`no alarm on the function's errors that notifies ${topic}`);
  }
  return problems;
};

/** The queue, the log group and the requirements bucket survive a deletion or a replacement of the stack's copy. */
export const stateIsRetained = (template: Template): Problem[] =>
  Object.entries(expandedResources(template))
    .filter(([, r]) => ['AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket'].includes(r.Type))
    .flatMap(([id, r]) =>
      ['DeletionPolicy', 'UpdateReplacePolicy']
        .filter((policy) => (r as Record<string, Json>)[policy] !== 'Retain')
        .map((policy) => `${id}: ${policy} is not Retain`),
    );

/** Subnets place the function in a VPC, with the policy Lambda then needs, both only when subnets are given. */
export const vpcIsOptional = (template: Template): Problem[] => {
  const resources = expandedResources(template);
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
  [...readFileSync(file, 'utf8').matchAll(/addMetric\('(\w+)'/g)].map((m) => m[1] as string).sort();

/**
 * The dashboard's body is JSON once its ${} are filled; it draws each of the code's metrics in its namespace and
 * service (LaunchesFailed by ErrorName), the function's duration and the failed-launches queue.
 */
export const dashboardDrawsMetrics = (template: Template, metrics: readonly string[]): Problem[] => {
  const resources = expandedResources(template);
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
        const search = /^SEARCH\('\{(\w+),([\w,]+)\} MetricName="(\w+)"/.exec(expression);
        return search ? [`${search[1]}/${search[3]} by ${search[2]}`] : [];
      }
      return [`${line[0]}/${line[1]} ${line[2]}=${line[3]}`];
    }),
  );
  const wanted = [
    ...metrics.map((metric) =>
      metric === 'LaunchesFailed'
        ? 'GlueLauncher/LaunchesFailed by ErrorName,service'
        : `GlueLauncher/${metric} service=glue-launcher`,
    ),
    'AWS/Lambda/Duration FunctionName=<GlueLauncherFunction>',
    'AWS/SQS/ApproximateNumberOfMessagesVisible QueueName=<FailedLaunchesQueue.QueueName>',
  ];
  return wanted.filter((line) => !drawn.has(line)).map((line) => `${id} does not draw ${line}`);
};
