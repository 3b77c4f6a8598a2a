import fc from 'fast-check';
import { StandIn } from '../../local/standin/server';
import { BundleSession } from '../../local/tools/bundle';
import { demoJob, launcherEnvironment } from '../../local/tools/fixtures';
import { mutatedEvent, NAMED, validRequest } from '../helpers/fuzz';

// The same fuzzing through the built bundle, one warm container, the real SDK and the stand-in behind it.
jest.setTimeout(120_000);

let standIn: StandIn;
let session: BundleSession;
const tally = { events: 0, launched: 0, invalid: 0, unnamed: 0 };

beforeAll(async () => {
  standIn = await StandIn.start({ install: 'check' });
  for (const name of ['nightly-etl', 'hourly-etl']) {
    standIn.createJob(demoJob(name, { ExecutionProperty: { MaxConcurrentRuns: 100_000 } }));
  }
  session = new BundleSession({
    ...launcherEnvironment(standIn),
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
  });
});
afterAll(async () => {
  await session?.close();
  await standIn?.stop();
  process.env.FUZZ_TALLY && console.log(JSON.stringify(tally));
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
  if (error.name === 'InvalidRequest' || error.name === 'JobNotAllowed') {
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

  it('valid requests launch', async () => {
    await fc.assert(
      fc.asyncProperty(validRequest(['nightly-etl', 'hourly-etl']), async (request) =>
        expect(await check(request)).toBe('launched'),
      ),
      { numRuns: 100 },
    );
  });
});
