import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import { type LauncherErrorName, REFUSALS } from './errors';
import type { LaunchMetrics } from './ports';

/** The CloudWatch namespace of the launcher's metrics, unless POWERTOOLS_METRICS_NAMESPACE says otherwise. */
export const METRICS_NAMESPACE = 'GlueLauncher';

/** The metrics each invocation publishes, in one EMF record (docs/operations.md). */
export const METRIC_NAMES = [
  'RunsStarted',
  'RunsReused',
  'LaunchesFailed',
  'RequestsRefused',
  'TokenSecondsRequested',
] as const;

/**
 * One invocation's counts, published as one CloudWatch EMF record when it ends: every counter, zeros included, so
 * that sums and alarms need no missing-data rules. A failed invocation counts as `LaunchesFailed` (the launcher's
 * own failure) or `RequestsRefused` (the caller's to fix or retry, errors.ts `REFUSALS`), and its record also
 * carries an `ErrorName` dimension set (beside the `service` one), so either can be counted by name.
 */
export class InvocationMetrics implements LaunchMetrics {
  private started = 0;
  private reused = 0;
  private tokenSeconds = 0;

  constructor(private readonly metrics: Metrics) {}

  static create(env: NodeJS.ProcessEnv, serviceName: string): InvocationMetrics {
    const namespace = env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE;
    return new InvocationMetrics(new Metrics({ namespace, serviceName }));
  }

  runsStarted(count: number): void {
    this.started += count;
  }

  runsReused(count: number): void {
    this.reused += count;
  }

  tokenRequested(seconds: number): void {
    this.tokenSeconds += seconds;
  }

  private publish(errorName: string | undefined): void {
    const { metrics } = this;
    if (errorName !== undefined) {
      // Two sets: the service alone (so that every record sums under it), and the service with the error's name.
      metrics.addDimensions({});
      metrics.addDimensions({ ErrorName: errorName });
    }
    metrics.addMetric('RunsStarted', MetricUnit.Count, this.started);
    metrics.addMetric('RunsReused', MetricUnit.Count, this.reused);
    const refused = errorName !== undefined && REFUSALS.has(errorName as LauncherErrorName);
    metrics.addMetric('LaunchesFailed', MetricUnit.Count, errorName === undefined || refused ? 0 : 1);
    metrics.addMetric('RequestsRefused', MetricUnit.Count, refused ? 1 : 0);
    metrics.addMetric('TokenSecondsRequested', MetricUnit.Seconds, this.tokenSeconds);
    metrics.publishStoredMetrics();
    this.started = 0;
    this.reused = 0;
    this.tokenSeconds = 0;
  }

  /** Publishes after the invocation, success or failure; registered first, so the error is already named. */
  middleware(): middy.MiddlewareObj {
    return {
      after: () => this.publish(undefined),
      onError: (request) => this.publish(request.error?.name ?? 'StartJobRunFailed'),
    };
  }
}
