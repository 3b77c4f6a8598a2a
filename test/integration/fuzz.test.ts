import fc from 'fast-check';
import { StandIn } from '../../local/standin/server';
import { BundleSession } from '../../local/tools/bundle';
import { launcherEnvironment, teamJob } from '../../local/tools/fixtures';
import { mutatedEvent, NAMED, REFUSED_BEFORE_ANY_CALL, validRequest } from '../helpers/fuzz';

// The same fuzzing through the built bundle, one warm container, the real SDK and the stand-in behind it.
jest.setTimeout(120_000);

let standIn: StandIn;
let session: BundleSession;
const tally = { events: 0, launched: 0, invalid: 0, unnamed: 0 };

// The samples' jobs take the mutated events, which start well over the 1,000 runs a keyed lookup reads at most
// (past that it fails closed); valid requests go to jobs of their own, so that what they assert is theirs.
const SAMPLE_JOBS = ['nightly-etl', 'hourly-etl'];
const VALID_JOBS = ['fuzz-a', 'fuzz-b'];

beforeAll(async () => {
  standIn = await StandIn.start({ install: 'check' });
  for (const name of [...SAMPLE_JOBS, ...VALID_JOBS]) {
    standIn.createJob(teamJob(name, { ExecutionProperty: { MaxConcurrentRuns: 100_000 } }));
  }
  session = new BundleSession({
    ...launcherEnvironment(standIn, [...SAMPLE_JOBS, ...VALID_JOBS]),
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
  });
});
afterAll(async () => {
  await session?.close();
  await standIn?.stop();
  process.env.FUZZ_TALLY &&
    console.log(
      JSON.stringify({ ...tally, runs: Object.fromEntries(SAMPLE_JOBS.map((j) => [j, standIn.runs(j).length])) }),
    );
  expect(tally.unnamed).toBe(0);
});

const check = async (event: unknown) => {
  const callsBefore = standIn.calls.length;
  const { result, error, logs } = await session.invoke(event);
  tally.events += 1;
  const seen = logs + JSON.stringify(result ?? null) + JSON.stringify(error ?? null);
  for (const { token } of standIn.issuedTokens().slice(-3)) {
    expect(seen).not.toContain(token);
    expect(seen).not.toContain(encodeURIComponent(token));
  }
  if (!error) {
    tally.launched += 1;
    return 'launched';
  }
  if (!NAMED.has(error.name)) tally.unnamed += 1;
  expect(NAMED.has(error.name)).toBe(true);
  if (REFUSED_BEFORE_ANY_CALL.has(error.name)) {
    tally.invalid += 1;
    // Nothing called, so nothing started (runs of earlier launches may still be fetching from the index).
    expect(standIn.calls.slice(callsBefore).filter((call) => call.service !== 'pypi')).toEqual([]);
  }
  return error.name;
};

describe('fuzzing the built bundle', () => {
  it('mutated sample events end in a named error or a valid launch', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedEvent, async (event) => void (await check(event))),
      { numRuns: 400 },
    );
  });

  // Keys made unique per case: fast-check repeats small values, and one key for two requests is a conflict.
  let cases = 0;
  // A job named always: without one, the launcher's default job is a sample job.
  const uniqueKey = <T extends { idempotencyKey?: string }>(request: T): T => ({
    jobName: VALID_JOBS[0],
    ...request,
    ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: `${request.idempotencyKey}#${++cases}` }),
  });

  it('valid requests launch', async () => {
    await fc.assert(
      fc.asyncProperty(validRequest(VALID_JOBS), async (request) =>
        expect(await check(uniqueKey(request))).toBe('launched'),
      ),
      { numRuns: 100 },
    );
  });

  it('a keyed request sent again is reused; the same key for another request is IdempotencyConflict', async () => {
    await fc.assert(
      fc.asyncProperty(
        validRequest(VALID_JOBS),
        fc.stringMatching(/^[\x21-\x2c\x2e-\x7e][\x21-\x7e]{0,15}$/),
        async (generated, key) => {
          const request = uniqueKey({ ...generated, idempotencyKey: key });
          const first = await session.invoke(request);
          const again = await session.invoke(request);
          expect(again.result).toEqual({ ...(first.result as object), reused: true });
          const other = { ...request, arguments: { ...request.arguments, '--fuzz-changed': String(cases) } };
          expect((await session.invoke(other)).error?.name).toBe('IdempotencyConflict');
          tally.events += 3;
        },
      ),
      { numRuns: 40 },
    );
  });
});
