import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import fc from 'fast-check';
import { ENVELOPE_FIELDS, readEnvelope } from '../../src/input/grammar';
import { mutatedEvent, SAMPLES } from '../helpers/fuzz';

// The launcher reads the EventBridge envelope itself (src/input/grammar.ts); Powertools' EventBridgeSchema is the
// reference it must agree with, on every sample and on thousands of mutated envelopes, except where the launcher is
// stricter on purpose: no field beside the envelope's own, and an `id` that can serve as an idempotency key (one
// that does not start with "-", which a script's argument parser would read as an option).
const envelopes = SAMPLES.filter((event) => typeof event === 'object' && event !== null && 'detail-type' in event);

const KEY = /^(?!-)[\x21-\x7e]{1,256}$/;
const stricter = (event: object) =>
  Object.keys(event).every((field) => ENVELOPE_FIELDS.has(field)) &&
  typeof (event as { id?: unknown }).id === 'string' &&
  KEY.test((event as { id: string }).id);

const accepts = (event: unknown): boolean => {
  try {
    readEnvelope(event);
    return true;
  } catch {
    return false;
  }
};

const verdicts = (event: unknown) => ({
  powertools: EventBridgeSchema.safeParse(event).success,
  launcher: accepts(event),
});

describe('the EventBridge envelope agrees with @aws-lambda-powertools/parser', () => {
  it('accepts every sample envelope, as Powertools does', () => {
    expect(envelopes.length).toBeGreaterThanOrEqual(4);
    for (const event of envelopes) expect(verdicts(event)).toEqual({ powertools: true, launcher: true });
  });

  it('gives the same verdict on mutated envelopes, but for its two stricter rules', () => {
    const mutatedEnvelope = mutatedEvent.filter(
      (event) => typeof event === 'object' && event !== null && 'source' in event,
    );
    fc.assert(
      fc.property(mutatedEnvelope, (event) => {
        const { powertools, launcher } = verdicts(event);
        expect(launcher).toBe(powertools && stricter(event as object));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what Powertools refuses: a bad time, a missing account, resources that are not strings', () => {
    const [sample] = envelopes as Array<Record<string, unknown>>;
    for (const broken of [
      { ...sample, time: 'yesterday' },
      { ...sample, account: undefined },
      { ...sample, resources: [1] },
      { ...sample, 'replay-name': 3 },
    ]) {
      expect(verdicts(broken)).toEqual({ powertools: false, launcher: false });
    }
  });

  it('refuses what Powertools lets through: a field beside the envelope, an id no key could be', () => {
    const [sample] = envelopes as Array<Record<string, unknown>>;
    for (const stricterCase of [
      { ...sample, jobName: 'nightly-etl' },
      { ...sample, id: 'has spaces in it' },
      { ...sample, id: 'x'.repeat(5000) },
      { ...sample, id: '' },
      { ...sample, id: '--help' },
    ]) {
      expect(verdicts(stricterCase)).toEqual({ powertools: true, launcher: false });
    }
  });
});
