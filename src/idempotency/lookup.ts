import { runsTooMany } from '../errors';
import type { JobService } from '../ports';
import { IDEMPOTENCY_ARGUMENT, MAX_RUNS_PAGE, MAX_RUNS_PAGES, MAX_RUNS_READ, type RecentRun } from './record';

/**
 * The newest run of the job carrying each of these keys, read newest first, page after page, until every key is
 * found, the runs get older than the horizon, or there are none left. Past MAX_RUNS_READ runs, or MAX_RUNS_PAGES
 * pages (empty ones count: a service that answers empty pages with a next token must not keep the lookup going),
 * it fails closed: an earlier start can no longer be ruled out, and a second start is worse than none.
 */
export async function earlierRuns(
  jobs: Pick<JobService, 'jobRuns'>,
  jobName: string,
  keys: ReadonlySet<string>,
  horizon: Date,
  firstPage: number,
): Promise<Map<string, RecentRun>> {
  const found = new Map<string, RecentRun>();
  let read = 0;
  let nextToken: string | undefined;
  let pageSize = firstPage;
  for (let pages = 1; ; pages += 1) {
    const page = await jobs.jobRuns(jobName, pageSize, nextToken);
    for (const run of page.runs) {
      if (run.startedOn !== undefined && run.startedOn < horizon) return found;
      read += 1;
      const key = run.arguments[IDEMPOTENCY_ARGUMENT];
      if (key !== undefined && keys.has(key) && !found.has(key)) found.set(key, run);
    }
    if (found.size === keys.size || page.nextToken === undefined) return found;
    if (read >= MAX_RUNS_READ || pages >= MAX_RUNS_PAGES) {
      throw runsTooMany(jobName, pages, read, horizon);
    }
    nextToken = page.nextToken;
    pageSize = Math.min(MAX_RUNS_PAGE, MAX_RUNS_READ - read);
  }
}
