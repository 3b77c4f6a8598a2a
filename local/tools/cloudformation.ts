import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags } from 'yaml';
import { projectRoot } from './root';

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'And',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'Length',
  'ToJsonString',
  'Condition',
] as const;

/** CloudFormation's short tags (`!Ref`, `!Sub`, `!GetAtt`, ...) as their long `Fn::` forms. */
const CLOUDFORMATION_TAGS: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  {
    tag: '!GetAtt',
    collection: 'seq',
    resolve: (value) => ({ 'Fn::GetAtt': (value as { toJSON(): unknown }).toJSON() }),
  },
  ...FUNCTIONS.flatMap((name) => {
    const key = name === 'Condition' ? 'Condition' : `Fn::${name}`;
    return [
      { tag: `!${name}`, resolve: (value: string) => ({ [key]: value }) },
      {
        tag: `!${name}`,
        collection: 'seq' as const,
        resolve: (value: unknown) => ({ [key]: (value as { toJSON(): unknown }).toJSON() }),
      },
      {
        tag: `!${name}`,
        collection: 'map' as const,
        resolve: (value: unknown) => ({ [key]: (value as { toJSON(): unknown }).toJSON() }),
      },
    ];
  }),
];

export type Template = {
  Transform?: string | string[];
  Parameters: Record<string, { Type: string; Default?: unknown; AllowedValues?: unknown[] }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> } | unknown[]
  >;
  Outputs?: Record<string, unknown>;
};

export const TEMPLATE_PATH = join(projectRoot(), 'template.yaml');

export const parseTemplate = (text: string): Template => parse(text, { customTags: CLOUDFORMATION_TAGS }) as Template;

export const loadTemplate = (path = TEMPLATE_PATH): Template => parseTemplate(readFileSync(path, 'utf8'));

type FunctionResource = {
  Properties?: Record<string, unknown>;
  Metadata?: { BuildProperties?: Record<string, unknown> };
};

/** The launcher function's Properties, as template.yaml declares them. */
export const launcherFunction = (template: Template = loadTemplate()): Record<string, unknown> =>
  (template.Resources.GlueLauncherFunction as FunctionResource).Properties ?? {};

/** What `sam build` gives esbuild for the launcher function (its Metadata.BuildProperties). */
export const launcherBuildProperties = (template: Template = loadTemplate()): Record<string, unknown> =>
  (template.Resources.GlueLauncherFunction as FunctionResource).Metadata?.BuildProperties ?? {};

/** What `Ref: AWS::NoValue` leaves: the property or list item is removed, as CloudFormation removes it. */
const NO_VALUE = Symbol('AWS::NoValue');

const INTRINSIC = /^(Ref|Condition|Fn::\w+)$/;

/**
 * A value of the template as CloudFormation would resolve it for these parameter values (the rest at their
 * defaults): `Ref` to a parameter, `Fn::Join`, `Fn::Split`, `Fn::Select`, `Fn::Sub`, `Fn::If` and the conditions'
 * `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`, through plain maps and lists (`AWS::NoValue` removes
 * what it stands for). Pseudo parameters (`AWS::Region`), resources (`Ref` to one) and their attributes
 * (`Queue.Arn`) resolve to what `parameters` gives for those names; without one, a value that depends on them is
 * undefined.
 */
export const resolveValue = (
  template: Template,
  parameters: Readonly<Record<string, string>>,
  value: unknown,
): unknown => {
  const resolved = resolveNode(template, parameters, value);
  return resolved === NO_VALUE ? undefined : resolved;
};

const resolveNode = (template: Template, parameters: Readonly<Record<string, string>>, value: unknown): unknown => {
  const resolve = (v: unknown): unknown => resolveNode(template, parameters, v);
  const condition = (name: string): boolean => resolve(template.Conditions?.[name]) === true;
  const named = (name: string): unknown => {
    const declared = template.Parameters[name];
    if (declared === undefined) return name === 'AWS::NoValue' ? NO_VALUE : parameters[name];
    const text = parameters[name] ?? String(declared.Default ?? '');
    return declared.Type === 'CommaDelimitedList' || declared.Type.startsWith('List<')
      ? text.split(',').filter((item) => item !== '')
      : text;
  };
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(resolve).filter((item) => item !== NO_VALUE);
  const entries = Object.entries(value);
  const [[fn, args]] = entries as [[string, unknown]];
  if (entries.length !== 1 || !INTRINSIC.test(fn)) {
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]).filter(([, v]) => v !== NO_VALUE));
  }
  const list = args as unknown[];
  switch (fn) {
    case 'Ref':
      return named(args as string);
    case 'Fn::GetAtt':
      return parameters[(Array.isArray(args) ? args : String(args).split('.')).join('.')];
    case 'Fn::Join': {
      const items = resolve(list[1]);
      return Array.isArray(items) && items.every((item) => typeof item === 'string')
        ? items.join(list[0] as string)
        : undefined;
    }
    case 'Fn::Split': {
      const text = resolve(list[1]);
      return typeof text === 'string' ? text.split(list[0] as string) : undefined;
    }
    case 'Fn::Select': {
      const items = resolve(list[1]);
      return Array.isArray(items) ? items[Number(resolve(list[0]))] : undefined;
    }
    case 'Fn::Sub': {
      const [text, variables = {}] = Array.isArray(args)
        ? (args as [string, Record<string, unknown>?])
        : [args as string];
      let complete = true;
      const out = text.replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
        if (literal) return `\${${name}}`;
        const found = name in variables ? resolve(variables[name]) : named(name);
        if (typeof found !== 'string') complete = false;
        return String(found);
      });
      return complete ? out : undefined;
    }
    case 'Fn::If':
      return condition(list[0] as string) ? resolve(list[1]) : resolve(list[2]);
    case 'Fn::Equals':
      return String(resolve(list[0])) === String(resolve(list[1]));
    case 'Fn::Not':
      return resolve(list[0]) !== true;
    case 'Fn::And':
      return list.every((item) => resolve(item) === true);
    case 'Fn::Or':
      return list.some((item) => resolve(item) === true);
    case 'Condition':
      return condition(args as string);
    default:
      return undefined;
  }
};
