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

/**
 * A value of the template as CloudFormation would resolve it for these parameter values (the rest at their
 * defaults): `Ref` to a parameter, `Fn::Join`, `Fn::If` and the conditions' `Fn::Equals`, `Fn::Not`, `Fn::And`,
 * `Fn::Or`, `Condition`. What depends on a deployed resource (`Fn::GetAtt`, a `Ref` to a resource) is undefined.
 */
export const resolveValue = (
  template: Template,
  parameters: Readonly<Record<string, string>>,
  value: unknown,
): unknown => {
  const resolve = (v: unknown): unknown => resolveValue(template, parameters, v);
  const condition = (name: string): boolean => resolve(template.Conditions?.[name]) === true;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(resolve);
  const [[fn, args]] = Object.entries(value) as [[string, unknown]];
  const list = args as unknown[];
  switch (fn) {
    case 'Ref': {
      const declared = template.Parameters[args as string];
      if (declared === undefined) return undefined;
      const text = parameters[args as string] ?? String(declared.Default ?? '');
      return declared.Type === 'CommaDelimitedList' || declared.Type.startsWith('List<')
        ? text.split(',').filter((item) => item !== '')
        : text;
    }
    case 'Fn::Join': {
      const items = resolve(list[1]);
      return Array.isArray(items) ? items.join(list[0] as string) : undefined;
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
