// One scheduled launch, from the event to the caller's result, over the in-memory fakes, under V8's precise coverage:
// which of src/'s files and functions it passes through, and how often (scripts/hops.mjs builds and runs this).
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseEvent } from '../../src/input/events';
import { testLauncher } from '../../test/helpers/fakes';

const main = async () => {
  const event = JSON.parse(readFileSync(process.argv[2] as string, 'utf8'));
  const launcher = testLauncher();
  // Each delivery a new occurrence: a run started, not reused.
  const deliver = (id: string) => launcher.launch(parseEvent({ ...event, id }, 'nightly-etl'));
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  await deliver('00000000-0000-4000-8000-000000000001'); // cold: module state, the endpoint cache
  await session.post('Profiler.takePreciseCoverage'); // and its counts reset
  await deliver('00000000-0000-4000-8000-000000000002');
  const { result } = await session.post('Profiler.takePreciseCoverage');
  process.stdout.write(JSON.stringify(result.filter((script) => script.url.endsWith('hops-driver.cjs'))));
};

void main();
