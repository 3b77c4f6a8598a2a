import { StartJobRunCommand } from '@aws-sdk/client-glue';
import fc from 'fast-check';
import { ENCODED_TOKEN, TOKEN } from '../helpers/fakes';
import { fuzzRuns, mutatedEvent, NAMED, REFUSED_BEFORE_ANY_CALL, randomEvent, validRequest } from '../helpers/fuzz';
import { captureOutput } from '../helpers/output';
import { BASE_ENV, mockedLauncher } from '../helpers/sdk-mocks';

// Property-based: thousands of random and mutated events, each ending in a named error or a valid launch,
// never a StartJobRun for an invalid event, never a token in any output.
jest.setTimeout(120_000);

const launcher = mockedLauncher({ ...BASE_ENV, POWERTOOLS_LOG_LEVEL: 'DEBUG' });
const tally = { events: 0, launched: 0, named: new Map<string, number>(), unnamed: 0 };

/** Runs a property and proves it ran: fast-check stopping early would otherwise pass without a look. */
const tried = async (numRuns: number, property: () => Promise<void>) => {
  const before = tally.events;
  await property();
  expect(tally.events - before).toBeGreaterThanOrEqual(numRuns);
  expect(tally.unnamed).toBe(0);
};

const check = async (event: unknown) => {
  launcher.glue.resetHistory();
  launcher.codeartifact.resetHistory();
  const { result, error, output } = await captureOutput(() => launcher.invoke(event));
  tally.events += 1;
  const seen = `${output}${JSON.stringify(result ?? null)}${error ? `${(error as Error).message}${(error as Error).stack}` : ''}`;
  expect(seen).not.toContain(TOKEN);
  expect(seen).not.toContain(ENCODED_TOKEN);
  expect(Object.prototype).not.toHaveProperty('polluted');
  if (error === undefined) {
    tally.launched += 1;
    return 'launched';
  }
  const { name } = error as Error;
  if (!NAMED.has(name)) tally.unnamed += 1;
  expect(NAMED.has(name)).toBe(true);
  tally.named.set(name, (tally.named.get(name) ?? 0) + 1);
  if (REFUSED_BEFORE_ANY_CALL.has(name)) {
    expect(launcher.glue.commandCalls(StartJobRunCommand)).toHaveLength(0);
    expect(launcher.glue.calls()).toHaveLength(0);
    expect(launcher.codeartifact.calls()).toHaveLength(0);
  }
  return name;
};

describe('fuzzing the handler with bad input', () => {
  it('random values of any shape', async () => {
    await tried(fuzzRuns(1500), () =>
      fc.assert(
        fc.asyncProperty(randomEvent, async (event) => void (await check(event))),
        { numRuns: fuzzRuns(1500) },
      ),
    );
  });

  it('sample events, mutated', async () => {
    await tried(fuzzRuns(3000), () =>
      fc.assert(
        fc.asyncProperty(mutatedEvent, async (event) => void (await check(event))),
        { numRuns: fuzzRuns(3000) },
      ),
    );
  });

  it('valid requests, single and in batches, always launch', async () => {
    const jobs = ['nightly-etl', 'hourly-etl'];
    await tried(fuzzRuns(300) + fuzzRuns(100), async () => {
      await fc.assert(
        fc.asyncProperty(validRequest(jobs), async (request) => expect(await check(request)).toBe('launched')),
        { numRuns: fuzzRuns(300) },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(validRequest(jobs), { minLength: 1, maxLength: 100 }), async (batch) =>
          expect(await check({ jobs: batch.map(({ idempotencyKey: _, ...request }) => request) })).toBe('launched'),
        ),
        { numRuns: fuzzRuns(100) },
      );
    });
  });

  afterAll(() => {
    // The figures of the closing note: how many tried, how they ended. Each test checks its own count, so that a
    // run of some of them (Stryker runs only the tests that reach a mutant) still holds.
    process.env.FUZZ_TALLY && console.log(JSON.stringify({ ...tally, named: Object.fromEntries(tally.named) }));
  });
});
