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

export const loadTemplate = (): Template => parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'));

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
