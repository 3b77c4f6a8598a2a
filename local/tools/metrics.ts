/**
 * The CloudWatch EMF records in a function's output, as CloudWatch would read them: for the demo, `npm run invoke`
 * and the tests (docs/operations.md).
 */
export interface EmfRecord {
  readonly namespace: string;
  /** The dimensions' values, of every dimension set. */
  readonly dimensions: Record<string, string>;
  readonly values: Record<string, number>;
  readonly units: Record<string, string>;
}

interface EmfLine {
  readonly _aws?: {
    CloudWatchMetrics?: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit?: string }>;
    }>;
  };
  readonly [field: string]: unknown;
}

export const emfRecords = (output: string): EmfRecord[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine)
    .flatMap((line) =>
      (line._aws?.CloudWatchMetrics ?? []).map((directive) => ({
        namespace: directive.Namespace,
        dimensions: Object.fromEntries(
          [...new Set(directive.Dimensions.flat())].map((name) => [name, String(line[name])]),
        ),
        values: Object.fromEntries(directive.Metrics.map(({ Name }) => [Name, Number(line[Name])])),
        units: Object.fromEntries(directive.Metrics.map(({ Name, Unit }) => [Name, Unit ?? 'None'])),
      })),
    );

/** One line for a person: `RunsStarted=1 RunsReused=0 ... (GlueLauncher; service=glue-launcher)`. */
export const describeMetrics = (record: EmfRecord): string =>
  `${Object.entries(record.values)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ')} (${record.namespace}; ${Object.entries(record.dimensions)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ')})`;
