/**
 * What a share link and the browser's saved lab carry: the scenario, every command and
 * terminal line the learner gave (with its simulated time), and where they were in time.
 * Since the core is deterministic, that is the whole lab (LabSession.restore).
 *
 * The envelope is versioned (`v`); an older version is brought up to date by the
 * migrations in migrations.ts before it is validated here. Validation is valibot with
 * hard size limits, so a hostile or truncated link is refused before the core sees it.
 * The scenario itself is validated by the core's own schema (validateScenario).
 */
import * as v from 'valibot';
import { CommandSchema } from '../core/scenario/schema';

export const ENVELOPE_VERSION = 1;

/** Limits for anything that arrives from outside (link or storage). */
export const LIMITS = {
  /** Characters of the URL fragment after `#lab=`. */
  fragmentChars: 200_000,
  /** Bytes of JSON once inflated (a zip bomb stops here). */
  jsonBytes: 2_000_000,
  /** Entries in the command log. */
  logEntries: 5_000,
  /** Characters of one terminal line. */
  termChars: 4_096,
  /** Simulated time a link may ask to replay to: one hour, in µs. */
  nowUs: 3_600_000_000,
  /** Client arrival rate in a shared scenario, per second (replaying must stay quick). */
  trafficRate: 5_000,
} as const;

const time = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(LIMITS.nowUs));

const LogEntrySchema = v.union([
  v.strictObject({ t: time, cmd: CommandSchema }),
  v.strictObject({ t: time, term: v.pipe(v.string(), v.maxLength(LIMITS.termChars)) }),
]);

export const EnvelopeSchema = v.strictObject({
  v: v.literal(ENVELOPE_VERSION),
  /** Checked again, fully, by the core's validateScenario. */
  scenario: v.looseObject({
    traffic: v.optional(v.looseObject({ rate: v.optional(v.pipe(v.number(), v.maxValue(LIMITS.trafficRate))) })),
  }),
  log: v.pipe(v.array(LogEntrySchema), v.maxLength(LIMITS.logEntries)),
  now: time,
  /** Which preset the lab was built from, for the mode switch (dr | nat | tun | dr-ha | nat-ha); informational. */
  preset: v.optional(v.picklist(['dr', 'nat', 'tun', 'dr-ha', 'nat-ha'])),
});

export type Envelope = v.InferOutput<typeof EnvelopeSchema>;
