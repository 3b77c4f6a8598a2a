import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplate } from './helpers/cloudformation';

const template = loadTemplate();
type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, any> };
const resource = (id: string) => template.Resources[id] as Resource;
const fn = resource('GlueLauncherFunction');

/** Every IAM statement in the template, with the resource it sits in. */
const statements = (): Array<Record<string, any>> => {
  const role = resource('GlueLauncherRole').Properties;
  const inline = role.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
  const perJob = (template.Resources['Fn::ForEach::AllowedJobs'] as any[])[2]['GlueJobPolicy&{JobName}'].Properties
    .PolicyDocument.Statement;
  return [...inline, ...perJob];
};
const actions = (statement: Record<string, any>): string[] => [statement.Action].flat();

describe('template.yaml', () => {
  it('is a SAM template whose ForEach is expanded first', () => {
    expect(template.Transform).toEqual(['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31']);
  });

  it('runs the function on nodejs24.x, arm64, 128 MB, from the esbuild ESM bundle', () => {
    expect(fn.Type).toBe('AWS::Serverless::Function');
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 128,
      Handler: 'handler.handler',
    });
    expect(fn.Metadata).toEqual({
      BuildMethod: 'esbuild',
      BuildProperties: {
        EntryPoints: ['src/handler.ts'],
        Format: 'esm',
        OutExtension: ['.js=.mjs'],
        Target: 'node20',
        Minify: true,
        Sourcemap: true,
        MainFields: 'module,main',
      },
    });
    const entry = fn.Metadata?.BuildProperties.EntryPoints[0];
    expect(existsSync(join(__dirname, '..', fn.Properties.CodeUri, entry))).toBe(true);
  });

  it('sets every configuration variable from a parameter', () => {
    const variables = fn.Properties.Environment.Variables;
    for (const name of [
      'CODEARTIFACT_DOMAIN',
      'CODEARTIFACT_DOMAIN_OWNER',
      'CODEARTIFACT_REPOSITORY',
      'GLUE_JOB_NAME',
      'ALLOWED_JOB_NAMES',
      'PIP_INDEX_OPTION',
      'TOKEN_DURATION_SECONDS',
      'MAX_PARALLEL_STARTS',
      'POWERTOOLS_LOG_LEVEL',
    ]) {
      const refs = JSON.stringify(variables[name]).match(/"Ref":"(\w+)"/g) ?? [];
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(Object.keys(template.Parameters)).toContain(ref.slice(7, -1));
    }
  });

  it('grants CodeArtifact read on the one domain and repository, and no publish right', () => {
    const all = statements();
    const codeartifact = all.filter((s) => actions(s).some((a) => a.startsWith('codeartifact:')));
    expect(codeartifact.flatMap(actions).sort()).toEqual([
      'codeartifact:GetAuthorizationToken',
      'codeartifact:GetRepositoryEndpoint',
      'codeartifact:ReadFromRepository',
    ]);
    for (const s of codeartifact) {
      expect(JSON.stringify(s.Resource)).toMatch(
        /^\{"Fn::Sub":\["arn:\$\{AWS::Partition\}:codeartifact:\$\{AWS::Region\}:\$\{Owner\}:/,
      );
    }
  });

  it('grants sts:GetServiceBearerToken only for CodeArtifact, the only "*" resource', () => {
    const wildcards = statements().filter((s) => s.Resource === '*');
    expect(wildcards).toEqual([
      expect.objectContaining({
        Action: 'sts:GetServiceBearerToken',
        Condition: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
      }),
    ]);
  });

  it('grants glue:GetJob, GetJobRuns and StartJobRun on each allowed job’s ARN only', () => {
    const loop = template.Resources['Fn::ForEach::AllowedJobs'] as any[];
    expect(loop[0]).toBe('JobName');
    expect(loop[1]).toEqual({ Ref: 'AllowedJobNames' });
    const glue = statements().filter((s) => actions(s).some((a) => a.startsWith('glue:')));
    expect(glue).toHaveLength(1);
    expect(actions(glue[0] as any).sort()).toEqual(['glue:GetJob', 'glue:GetJobRuns', 'glue:StartJobRun']);
    expect(glue[0]?.Resource).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:job/${JobName}',
    });
  });
});
