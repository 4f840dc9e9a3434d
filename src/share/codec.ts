/**
 * The share codec: envelope ⇄ `lab=…` text for a URL fragment (and for the saved lab).
 *
 *   JSON → UTF-8 → DEFLATE (fflate) → base64url
 *
 * Decoding is the other way round, each step bounded (fragment length, inflated size,
 * entry counts) and checked, then the version is migrated and the result validated by
 * valibot and by the core's scenario validator. Nothing is ever evaluated: the payload is
 * data, and the UI renders any text from it as text.
 */
import { deflateSync, Inflate } from 'fflate';
import * as v from 'valibot';
import { validateScenario } from '../core/scenario/schema';
import type { SessionState } from '../core/session';
import { ENVELOPE_VERSION, EnvelopeSchema, LIMITS, type Envelope } from './envelope';
import { migrate, MIGRATIONS, type Migration } from './migrations';
import { FRAGMENT_PREFIX } from './peek';

export { FRAGMENT_PREFIX, isShareFragment } from './peek';

export type ShareErrorCode = 'too-long' | 'corrupt' | 'too-big' | 'no-version' | 'newer-version' | 'invalid';

export type DecodeResult = { ok: true; envelope: Envelope } | { ok: false; code: ShareErrorCode; detail?: string };

/**
 * The envelope of a session, cut to what a link may carry: at most LIMITS.nowUs of time and
 * LIMITS.logEntries entries (later ones are left out and `now` stops before them), so a
 * long-running lab still makes a link that opens — at an earlier moment. `cut` says so.
 */
export function toEnvelope(state: SessionState, preset?: Envelope['preset']): Envelope & { cut?: true } {
  let now = Math.min(state.now, LIMITS.nowUs);
  let log = state.log.filter((e) => e.t <= now && ('cmd' in e || e.term.length <= LIMITS.termChars));
  if (log.length > LIMITS.logEntries) {
    const first = log[LIMITS.logEntries]!;
    log = log.slice(0, LIMITS.logEntries).filter((e) => e.t < first.t);
    now = Math.max(0, first.t - 1);
  }
  const cut = now !== state.now || log.length !== state.log.length;
  return {
    v: ENVELOPE_VERSION,
    scenario: state.scenario as Envelope['scenario'],
    log: log.map((e) => ('cmd' in e ? { t: e.t, cmd: e.cmd } : { t: e.t, term: e.term })),
    now,
    ...(preset ? { preset } : {}),
    ...(cut ? { cut: true as const } : {}),
  };
}

/** `lab=…`, ready to follow a `#`. */
export function encodeEnvelope(env: Envelope & { cut?: true }): string {
  const { cut: _cut, ...data } = env;
  const bytes = new TextEncoder().encode(JSON.stringify(data));
  return FRAGMENT_PREFIX + toBase64Url(deflateSync(bytes, { level: 9 }));
}

export function decodeFragment(hash: string, migrations: Readonly<Record<number, Migration>> = MIGRATIONS): DecodeResult {
  const text = hash.replace(/^#/, '');
  if (!text.startsWith(FRAGMENT_PREFIX)) return { ok: false, code: 'corrupt' };
  const body = text.slice(FRAGMENT_PREFIX.length);
  if (body.length > LIMITS.fragmentChars) return { ok: false, code: 'too-long' };
  const packed = fromBase64Url(body);
  if (!packed || packed.length === 0) return { ok: false, code: 'corrupt' };
  const json = inflateBounded(packed, LIMITS.jsonBytes);
  if (json === 'too-big') return { ok: false, code: 'too-big' };
  if (json === undefined) return { ok: false, code: 'corrupt' };
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    return { ok: false, code: 'corrupt' };
  }
  return decodeValue(raw, migrations);
}

/** Migrate and validate a parsed envelope. */
export function decodeValue(raw: unknown, migrations: Readonly<Record<number, Migration>> = MIGRATIONS): DecodeResult {
  const m = migrate(raw, migrations);
  if (!m.ok) return { ok: false, code: m.error === 'newer-version' ? 'newer-version' : 'no-version', ...(m.version !== undefined ? { detail: `v${m.version}` } : {}) };
  const r = v.safeParse(EnvelopeSchema, m.value);
  if (!r.success) return { ok: false, code: 'invalid', detail: issuesText(r.issues) };
  const s = validateScenario(r.output.scenario);
  if (!s.ok) return { ok: false, code: 'invalid', detail: s.errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`).join('; ') };
  return { ok: true, envelope: r.output };
}

function issuesText(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((i) => {
      const path = (i.path ?? []).map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('');
      return `$${path}: ${i.message}`;
    })
    .join('; ');
}

/**
 * Inflate at most `limit` bytes. The input goes in small slices so a bomb (DEFLATE
 * reaches ~1000:1) never allocates much past the limit before it is stopped.
 */
export function inflateBounded(data: Uint8Array, limit: number): Uint8Array | 'too-big' | undefined {
  const parts: Uint8Array[] = [];
  let size = 0;
  let over = false;
  let ended = false;
  const inf = new Inflate((chunk, final) => {
    size += chunk.length;
    if (size > limit) over = true;
    else parts.push(chunk);
    if (final) ended = true;
  });
  const SLICE = 512;
  try {
    for (let i = 0; i < data.length && !over; i += SLICE) {
      inf.push(data.subarray(i, Math.min(data.length, i + SLICE)), i + SLICE >= data.length);
    }
  } catch {
    return over ? 'too-big' : undefined;
  }
  if (over) return 'too-big';
  if (!ended) return undefined;
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    return undefined;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
