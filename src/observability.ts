import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import { type LauncherErrorName, REFUSALS } from './errors';
import type { LaunchMetrics } from './ports';
import type { RefreshMetrics } from './standing/refresh';

/** The CloudWatch namespace of the launcher's metrics, unless POWERTOOLS_METRICS_NAMESPACE says otherwise. */
export const METRICS_NAMESPACE = 'GlueLauncher';

/** The metrics each invocation publishes, in one EMF record (docs/operations.md). */
export const METRIC_NAMES = [
  'RunsStarted',
  'RunsReused',
  'LaunchesFailed',
  'RequestsRefused',
  'TokenSecondsRequested',
  'StandingFilesRefreshed',
  'StandingRefreshFailures',
  'StandingTokenSecondsLeft',
] as const;

/** Powertools Metrics in the launcher's namespace (or POWERTOOLS_METRICS_NAMESPACE), under the stack's service. */
function metricsFor(env: NodeJS.ProcessEnv, serviceName: string): Metrics {
  return new Metrics({ namespace: env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE, serviceName });
}

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
    return new InvocationMetrics(metricsFor(env, serviceName));
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

/**
 * The standing refresher's counts, one EMF record per invocation (docs/standing-files.md): files refreshed, jobs
 * failed (and, in a record per error name, how many failed by it), the token's seconds left when files were
 * written. `StandingTokenSecondsLeft` is published only then, so that an alarm that treats missing data as breaching
 * fires when the refresher stops, as when a refresh writes a token that will not last two intervals.
 */
export class RefreshInvocationMetrics implements RefreshMetrics {
  private refreshed = 0;
  private readonly failedBy = new Map<string, number>();
  private tokenSeconds = 0;
  private secondsLeft: number | undefined;

  constructor(private readonly metrics: Metrics) {}

  static create(env: NodeJS.ProcessEnv, serviceName: string): RefreshInvocationMetrics {
    return new RefreshInvocationMetrics(metricsFor(env, serviceName));
  }

  tokenRequested(seconds: number): void {
    this.tokenSeconds += seconds;
  }

  standingRefreshed(count: number): void {
    this.refreshed += count;
  }

  standingFailed(errorName: string): void {
    this.failedBy.set(errorName, (this.failedBy.get(errorName) ?? 0) + 1);
  }

  standingTokenLeft(seconds: number): void {
    this.secondsLeft = seconds;
  }

  private publish(): void {
    const { metrics } = this;
    for (const [errorName, count] of this.failedBy) {
      const single = metrics.singleMetric();
      single.addDimension('ErrorName', errorName);
      single.addMetric('StandingRefreshFailures', MetricUnit.Count, count);
    }
    metrics.addMetric('StandingFilesRefreshed', MetricUnit.Count, this.refreshed);
    const failures = [...this.failedBy.values()].reduce((sum, count) => sum + count, 0);
    metrics.addMetric('StandingRefreshFailures', MetricUnit.Count, failures);
    metrics.addMetric('TokenSecondsRequested', MetricUnit.Seconds, this.tokenSeconds);
    if (this.secondsLeft !== undefined) {
      metrics.addMetric('StandingTokenSecondsLeft', MetricUnit.Seconds, this.secondsLeft);
    }
    metrics.publishStoredMetrics();
    this.refreshed = 0;
    this.failedBy.clear();
    this.tokenSeconds = 0;
    this.secondsLeft = undefined;
  }

  middleware(): middy.MiddlewareObj {
    return { after: () => this.publish(), onError: () => this.publish() };
  }
}
