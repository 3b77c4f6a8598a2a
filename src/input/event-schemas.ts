import * as z from 'zod/mini';
import { MAX_RUN_TIMEOUT_MINUTES } from '../token/lifetime';
import './zod-messages';

export const MAX_BATCH = 100;

/**
 * The event schemas, built by the first event rather than at import: a container's cold start pays for them only
 * when it has an event to parse (docs/adr/0007-commonjs-bundle-for-cold-start.md).
 */
const build = () => {
  // zod/mini, not classic zod: classic zod costs ~95 KB of bundle even tree-shaken
  // (docs/adr/0002-zod-mini-and-a-local-eventbridge-envelope.md).
  const JobName = z.string().check(
    z.regex(/^[^\p{Cc}]{1,255}$/u, {
      error: 'must be a Glue job name of 1 to 255 characters without control characters',
    }),
  );

  const IdempotencyKey = z
    .string()
    .check(z.regex(/^[\x21-\x7e]{1,256}$/, { error: 'must be 1 to 256 printable ASCII characters without spaces' }));

  // Which keys a caller may set is the argument policy's to say (ArgumentNotAllowed), after parsing.
  const ArgumentKey = z
    .string()
    .check(z.regex(/^--\S+$/, { error: 'argument keys must start with "--" and contain no spaces' }));

  /** Checked on the raw keys: zod's record quietly drops a `__proto__` key, and no key may go unchecked. */
  const ArgumentsSchema = z.pipe(
    z.unknown().check(
      z.superRefine((value: unknown, ctx) => {
        if (typeof value !== 'object' || value === null) return;
        for (const key of Object.keys(value)) {
          const checked = ArgumentKey.safeParse(key);
          if (!checked.success)
            ctx.addIssue({ code: 'custom', path: [key], message: checked.error.issues[0]?.message });
        }
      }),
    ),
    z.record(ArgumentKey, z.string({ error: 'argument values must be strings' })),
  );

  const Minutes = z.int({ error: 'must be a whole number of minutes' }).check(
    z.minimum(1, { error: 'must be at least 1 minute' }),
    z.maximum(MAX_RUN_TIMEOUT_MINUTES, {
      error: `must be at most ${MAX_RUN_TIMEOUT_MINUTES} minutes (Glue refuses 7 days, 10080 minutes, or more)`,
    }),
  );
  const Text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

  /** camelCase mirrors of StartJobRun's fields; strict, because a typo must not be silently ignored. */
  const LaunchRequestSchema = z.strictObject({
    jobName: z.optional(JobName),
    arguments: z.optional(ArgumentsSchema),
    timeout: z.optional(Minutes),
    workerType: z.optional(Text(64)),
    numberOfWorkers: z.optional(z.int({ error: 'must be a whole number' }).check(z.minimum(1))),
    executionClass: z.optional(z.enum(['STANDARD', 'FLEX'])),
    securityConfiguration: z.optional(Text(255)),
    jobRunQueuingEnabled: z.optional(z.boolean()),
    idempotencyKey: z.optional(IdempotencyKey),
  });

  const BatchSchema = z.strictObject({
    jobs: z
      .array(LaunchRequestSchema)
      .check(
        z.minLength(1, { error: 'a batch needs at least one job' }),
        z.maxLength(MAX_BATCH, { error: `a batch holds at most ${MAX_BATCH} jobs` }),
      ),
    idempotencyKey: z.optional(IdempotencyKey),
  });

  /**
   * The EventBridge envelope, field for field as @aws-lambda-powertools/parser's EventBridgeSchema defines it
   * (test/unit/envelope.test.ts holds the two to the same verdicts). Not imported from there: that module's
   * `import { z } from 'zod'` defeats esbuild's tree shaking and pulls all of classic zod into the bundle
   * (docs/adr/0002-zod-mini-and-a-local-eventbridge-envelope.md). Stricter than Powertools' in two ways: no field
   * beside the envelope's own (a request put there would be silently ignored), and an `id` that can serve as an
   * idempotency key.
   */
  const EventBridgeEnvelopeSchema = z.strictObject({
    version: z.string(),
    id: IdempotencyKey,
    source: z.string(),
    account: z.string(),
    time: z.iso.datetime(),
    region: z.string(),
    resources: z.array(z.string()),
    'detail-type': z.string(),
    detail: z.unknown(),
    'replay-name': z.optional(z.string()),
  });

  return { request: LaunchRequestSchema, batch: BatchSchema, envelope: EventBridgeEnvelopeSchema };
};

export type EventSchemas = ReturnType<typeof build>;

let built: EventSchemas | undefined;

export const eventSchemas = (): EventSchemas => {
  built ??= build();
  return built;
};
