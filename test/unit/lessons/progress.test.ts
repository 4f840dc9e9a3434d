import { describe, expect, it } from 'vitest';
import { PROGRESS_FORMAT, PROGRESS_KEY, emptyProgress, exportProgress, importProgress, lessonProgress, loadProgress, markDone, merge, resetLesson, saveProgress, setAt, type Progress } from '../../../src/ui/course/progress';

function memoryStorage(init: Record<string, string> = {}) {
  const m = new Map(Object.entries(init));
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    raw: m,
  };
}

const some = (): Progress => setAt(markDone(markDone(emptyProgress(), 'lvs-dr', 'look'), 'lvs-dr', 'mac-rewrite'), 'lvs-dr', 'vip-on-lo');

describe('progress store', () => {
  it('round trip through storage', () => {
    const s = memoryStorage();
    expect(loadProgress(s)).toEqual({ kind: 'empty', progress: emptyProgress() });
    const p = some();
    expect(saveProgress(p, s)).toBe(true);
    const back = loadProgress(s);
    expect(back).toEqual({ kind: 'ok', progress: p });
    expect(lessonProgress(p, 'lvs-dr', ['look', 'mac-rewrite', 'vip-on-lo'])).toEqual({ done: 2, total: 3, finished: false });
    expect(lessonProgress(markDone(p, 'lvs-dr', 'vip-on-lo'), 'lvs-dr', ['look', 'mac-rewrite', 'vip-on-lo']).finished).toBe(true);
    // A step id the lesson no longer has does not count.
    expect(lessonProgress(p, 'lvs-dr', ['look', 'other'])).toEqual({ done: 1, total: 2, finished: false });
  });

  it('updates are immutable and idempotent', () => {
    const p = some();
    expect(markDone(p, 'lvs-dr', 'look')).toBe(p);
    expect(setAt(p, 'lvs-dr', 'vip-on-lo')).toBe(p);
    expect(resetLesson(p, 'lvs-dr').lessons).toEqual({});
    expect(p.lessons['lvs-dr']!.done).toEqual(['look', 'mac-rewrite']);
  });

  it('a corrupt store is ignored and reported, never trusted', () => {
    const cases: [string, string][] = [
      ['{not json', 'not-json'],
      ['[1,2]', 'not-progress'],
      ['"text"', 'not-progress'],
      [JSON.stringify({ v: 99, lessons: {} }), 'newer-version'],
      [JSON.stringify({ v: 1, lessons: { 'lvs-dr': { done: 'look' } } }), 'invalid'],
      [JSON.stringify({ v: 1, lessons: { 'BAD ID': { done: [] } } }), 'invalid'],
      [JSON.stringify({ v: 1, lessons: {}, extra: true }), 'invalid'],
      [JSON.stringify({ v: 1, lessons: { x: { done: ['<script>'] } } }), 'invalid'],
    ];
    for (const [text, error] of cases) {
      const s = memoryStorage({ [PROGRESS_KEY]: text });
      const r = loadProgress(s);
      expect(r.kind, text).toBe('corrupt');
      if (r.kind === 'corrupt') expect(r.error, text).toBe(error);
      expect(r.progress).toEqual(emptyProgress());
    }
  });

  it('storage that throws or refuses: empty on read, false on write', () => {
    const hostile = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(loadProgress(hostile).kind).toBe('empty');
    expect(saveProgress(some(), hostile)).toBe(false);
    expect(saveProgress(some(), undefined)).toBe(false);
  });
});

describe('progress files (moving between devices)', () => {
  it('export then import on another device: the same progress', () => {
    const text = exportProgress(some(), new Date('2025-01-02T03:04:05Z'));
    const file = JSON.parse(text);
    expect(file).toMatchObject({ format: PROGRESS_FORMAT, v: 1, exported: '2025-01-02T03:04:05.000Z' });
    const r = importProgress(text, emptyProgress());
    expect(r).toEqual({ ok: true, progress: some(), lessons: 1 });
  });

  it('importing merges: a step done on either device stays done', () => {
    const here = markDone(markDone(emptyProgress(), 'lvs-dr', 'arp-fix'), 'lvs-nat', 'dnat-in');
    const r = importProgress(exportProgress(some(), new Date(0)), here);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(new Set(r.progress.lessons['lvs-dr']!.done)).toEqual(new Set(['arp-fix', 'look', 'mac-rewrite']));
    expect(r.progress.lessons['lvs-dr']!.at).toBe('vip-on-lo');
    expect(r.progress.lessons['lvs-nat']!.done).toEqual(['dnat-in']);
    expect(merge(here, emptyProgress())).toEqual(here);
  });

  it('a bad file changes nothing and says why', () => {
    const here = some();
    const before = JSON.stringify(here);
    const valid = JSON.parse(exportProgress(some(), new Date(0)));
    const cases: [string, string][] = [
      ['', 'not-json'],
      ['{"format": "lvs-lab-progress", ', 'not-json'],
      ['null', 'not-progress'],
      [JSON.stringify({ v: 1, lessons: {} }), 'not-progress'], // the store's shape, not a file
      [JSON.stringify({ ...valid, format: 'something-else' }), 'not-progress'],
      [JSON.stringify({ ...valid, v: 2 }), 'newer-version'],
      [JSON.stringify({ ...valid, v: 0 }), 'invalid'],
      [JSON.stringify({ ...valid, lessons: { 'lvs-dr': { done: [1, 2] } } }), 'invalid'],
      [JSON.stringify({ ...valid, lessons: { 'lvs-dr': { done: [], at: 'x'.repeat(60) } } }), 'invalid'],
      [JSON.stringify({ ...valid, lessons: Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`l${i}`, { done: [] }])) }), 'invalid'],
      ['x'.repeat(1_000_001), 'too-big'],
    ];
    for (const [text, error] of cases) {
      const r = importProgress(text, here);
      expect(r.ok, text.slice(0, 80)).toBe(false);
      if (!r.ok) expect(r.error, text.slice(0, 80)).toBe(error);
    }
    const invalid = importProgress(JSON.stringify({ ...valid, lessons: { 'lvs-dr': { done: [1] } } }), here);
    expect(!invalid.ok && invalid.detail).toMatch(/\$\.lessons\.lvs-dr\.done\[0\]/);
    expect(JSON.stringify(here)).toBe(before);
  });
});
