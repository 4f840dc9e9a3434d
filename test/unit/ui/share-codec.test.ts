import { describe, expect, it } from 'vitest';
import { deflateSync } from 'fflate';
import { decodeFragment, decodeValue, encodeEnvelope, toEnvelope, fromBase64Url, inflateBounded, isShareFragment, toBase64Url, FRAGMENT_PREFIX } from '../../../src/share/codec';
import { ENVELOPE_VERSION, LIMITS, type Envelope } from '../../../src/share/envelope';
import { migrate, type Migration } from '../../../src/share/migrations';
import { drPreset, natPreset } from '../../../src/core/scenario/presets';
import { validateScenario } from '../../../src/core/scenario/schema';

function scenario(input = drPreset()) {
  const r = validateScenario(input);
  if (!r.ok) throw new Error('preset invalid');
  return r.scenario;
}

function envelope(over: Partial<Envelope> = {}): Envelope {
  return {
    v: ENVELOPE_VERSION,
    scenario: scenario() as Envelope['scenario'],
    log: [
      { t: 1_000_000, cmd: { type: 'power', node: 'rs2', on: false } },
      { t: 2_500_000, term: 'ipvsadm -E -t 192.168.10.100:80 -s wlc' },
      { t: 3_000_000, cmd: { type: 'shell', node: 'director', line: 'ipvsadm -e -t 192.168.10.100:80 -r 192.168.10.11:80 -g -w 3' } },
    ],
    now: 4_200_000,
    preset: 'dr',
    ...over,
  };
}

const pack = (value: unknown) => FRAGMENT_PREFIX + toBase64Url(deflateSync(new TextEncoder().encode(JSON.stringify(value))));

describe('share codec', () => {
  it('round-trips an envelope through the fragment text', () => {
    const env = envelope();
    const text = encodeEnvelope(env);
    expect(text.startsWith('lab=')).toBe(true);
    expect(text).toMatch(/^lab=[A-Za-z0-9_-]+$/);
    const back = decodeFragment('#' + text);
    expect(back.ok).toBe(true);
    if (back.ok) expect(back.envelope).toEqual(env);
  });

  it('makes short links for the presets (compressed)', () => {
    const text = encodeEnvelope(envelope());
    expect(text.length).toBeLessThan(3000);
    expect(text.length).toBeLessThan(JSON.stringify(envelope()).length / 2);
  });

  it('recognises only its own fragments', () => {
    expect(isShareFragment('#lab=abc')).toBe(true);
    expect(isShareFragment('lab=abc')).toBe(true);
    expect(isShareFragment('#section-2')).toBe(false);
    expect(isShareFragment('')).toBe(false);
  });

  it('base64url round trip for every byte value', () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    expect(fromBase64Url('a')).toBeUndefined();
    expect(fromBase64Url('ab+/')).toBeUndefined();
  });

  describe('refuses bad input with a reason', () => {
    it('truncated link', () => {
      const text = encodeEnvelope(envelope());
      const r = decodeFragment(text.slice(0, Math.floor(text.length * 0.6)));
      expect(r).toMatchObject({ ok: false, code: 'corrupt' });
    });

    it('garbage, wrong alphabet, empty', () => {
      expect(decodeFragment('#lab=')).toMatchObject({ ok: false, code: 'corrupt' });
      expect(decodeFragment('#lab=%3Cscript%3E')).toMatchObject({ ok: false, code: 'corrupt' });
      expect(decodeFragment('#lab=' + toBase64Url(new TextEncoder().encode('not deflate at all')))).toMatchObject({ ok: false, code: 'corrupt' });
      expect(decodeFragment('#other')).toMatchObject({ ok: false, code: 'corrupt' });
    });

    it('not JSON, not an object, no version', () => {
      expect(decodeFragment(FRAGMENT_PREFIX + toBase64Url(deflateSync(new TextEncoder().encode('{"v":1,')))).ok).toBe(false);
      expect(decodeFragment(pack([1, 2, 3]))).toMatchObject({ ok: false, code: 'no-version' });
      expect(decodeFragment(pack({ scenario: {} }))).toMatchObject({ ok: false, code: 'no-version' });
      expect(decodeFragment(pack({ v: '1' }))).toMatchObject({ ok: false, code: 'no-version' });
    });

    it('a link from a newer version', () => {
      expect(decodeFragment(pack({ ...envelope(), v: ENVELOPE_VERSION + 1 }))).toMatchObject({ ok: false, code: 'newer-version' });
    });

    it('an invalid scenario, with the JSON path', () => {
      const bad = envelope();
      const sc = structuredClone(bad.scenario) as { nodes: { name: string }[] };
      sc.nodes[0]!.name = '<img src=x onerror=alert(1)>';
      const r = decodeFragment(pack({ ...bad, scenario: sc }));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.code).toBe('invalid');
        expect(r.detail).toMatch(/nodes\[0\]\.name/);
      }
    });

    it('hostile log entries: unknown command, extra keys, code-looking strings are data', () => {
      expect(decodeFragment(pack(envelope({ log: [{ t: 0, cmd: { type: 'eval', code: 'alert(1)' } }] as never })))).toMatchObject({ ok: false, code: 'invalid' });
      expect(decodeFragment(pack({ ...envelope(), extra: 'x' }))).toMatchObject({ ok: false, code: 'invalid' });
      expect(decodeFragment(pack(envelope({ log: [{ t: 0, term: 'x', cmd: { type: 'power', node: 'rs1', on: false } }] as never })))).toMatchObject({ ok: false });
      // A terminal line is only ever a line for the lab's shell; it passes as text.
      const ok = decodeFragment(pack(envelope({ log: [{ t: 0, term: '<script>alert(1)</script>' }] })));
      expect(ok.ok).toBe(true);
    });

    it('prototype keys do not pollute', () => {
      const json = JSON.stringify(envelope()).replace('"v":1', '"__proto__":{"polluted":true},"v":1');
      const r = decodeFragment(FRAGMENT_PREFIX + toBase64Url(deflateSync(new TextEncoder().encode(json))));
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(r.ok).toBe(false);
    });
  });

  describe('size limits', () => {
    it('a fragment that is too long is refused before decoding', () => {
      expect(decodeFragment('#lab=' + 'A'.repeat(LIMITS.fragmentChars + 1))).toMatchObject({ ok: false, code: 'too-long' });
    });

    it('a zip bomb stops at the inflated limit', () => {
      const bomb = deflateSync(new Uint8Array(LIMITS.jsonBytes * 4).fill(32), { level: 9 });
      expect(bomb.length).toBeLessThan(LIMITS.fragmentChars);
      expect(inflateBounded(bomb, LIMITS.jsonBytes)).toBe('too-big');
      expect(decodeFragment(FRAGMENT_PREFIX + toBase64Url(bomb))).toMatchObject({ ok: false, code: 'too-big' });
    });

    it('too many log entries, too long a line, too far in time, too heavy traffic', () => {
      const many = Array.from({ length: LIMITS.logEntries + 1 }, (_, i) => ({ t: i, term: 'true' }));
      expect(decodeValue({ ...envelope(), log: many })).toMatchObject({ ok: false, code: 'invalid' });
      expect(decodeValue(envelope({ log: [{ t: 0, term: 'x'.repeat(LIMITS.termChars + 1) }] }))).toMatchObject({ ok: false, code: 'invalid' });
      expect(decodeValue(envelope({ now: LIMITS.nowUs + 1 }))).toMatchObject({ ok: false, code: 'invalid' });
      const heavy = structuredClone(envelope());
      (heavy.scenario as { traffic: { rate: number } }).traffic.rate = LIMITS.trafficRate * 10;
      expect(decodeValue(heavy)).toMatchObject({ ok: false, code: 'invalid' });
    });
  });

  it('a session longer than a link can hold is cut to fit (and says so)', () => {
    const sc = scenario();
    const long = toEnvelope({ scenario: sc, log: [{ t: 5, term: 'true' }, { t: LIMITS.nowUs + 5, term: 'late' }], now: LIMITS.nowUs * 2 });
    expect(long.cut).toBe(true);
    expect(long.now).toBe(LIMITS.nowUs);
    expect(long.log).toEqual([{ t: 5, term: 'true' }]);
    expect(decodeFragment(encodeEnvelope(long)).ok).toBe(true);
    const many = toEnvelope({ scenario: sc, log: Array.from({ length: LIMITS.logEntries + 10 }, (_, i) => ({ t: i * 10, term: 'true' })), now: 1_000_000 });
    expect(many.log.length).toBe(LIMITS.logEntries);
    expect(many.now).toBe(LIMITS.logEntries * 10 - 1);
    expect(toEnvelope({ scenario: sc, log: [], now: 7 }).cut).toBeUndefined();
  });

  describe('version migration', () => {
    // A pretend history: v1 had `preset` + `seed` only; v2 (the table's "current") has a scenario.
    const table: Record<number, Migration> = {
      1: (old) => {
        const { preset, seed, ...rest } = old as { preset: string; seed: number };
        return { ...rest, scenario: { ...(preset === 'nat' ? natPreset() : drPreset()), seed } };
      },
    };

    it('walks old versions up to the current one', () => {
      const r = migrate({ v: 1, preset: 'nat', seed: 7, log: [], now: 0 }, table, 2);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.value['v']).toBe(2);
        expect((r.value['scenario'] as { name: string; seed: number }).name).toBe('nat');
        expect((r.value['scenario'] as { seed: number }).seed).toBe(7);
      }
    });

    it('refuses a version with no migration path, and a newer one', () => {
      expect(migrate({ v: 1 }, {}, 3)).toMatchObject({ ok: false, error: 'unknown-version', version: 1 });
      expect(migrate({ v: 4 }, table, 2)).toMatchObject({ ok: false, error: 'newer-version', version: 4 });
    });

    it('the current version passes through the real table unchanged', () => {
      const env = envelope();
      expect(migrate(env)).toEqual({ ok: true, value: env });
    });
  });
});
