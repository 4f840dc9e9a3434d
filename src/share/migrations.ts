/**
 * Bringing an old envelope up to date: one function per version step, `from` → `from + 1`,
 * applied in order until the current version. A link newer than this build is refused
 * with its own message (the learner should open it with a newer LVS Lab).
 *
 * Version 1 is the first format, so the table is empty; the walk is exercised by the unit
 * tests with a table of their own. Add a step here whenever the envelope or the core's
 * log format changes shape, and never edit a step once links with it exist.
 */
import { ENVELOPE_VERSION } from './envelope';

export type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

export type MigrateResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; error: 'no-version' | 'newer-version' | 'unknown-version'; version?: number };

export function migrate(raw: unknown, table: Readonly<Record<number, Migration>> = MIGRATIONS, current = ENVELOPE_VERSION): MigrateResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'no-version' };
  let value = raw as Record<string, unknown>;
  let version = value['v'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return { ok: false, error: 'no-version' };
  if (version > current) return { ok: false, error: 'newer-version', version };
  while (version < current) {
    const step = table[version];
    if (!step) return { ok: false, error: 'unknown-version', version };
    value = { ...step(value), v: version + 1 };
    version += 1;
  }
  return { ok: true, value };
}
