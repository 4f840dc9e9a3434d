import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { en } from '../../../src/ui/i18n/en';
import { zhCN } from '../../../src/ui/i18n/zh-CN';
import { COURSE_MESSAGES } from '../../../src/ui/course/messages';
import { CATALOGS, LOCALES, loadCatalog, pickLocale, placeholders, stateKey, translate, type MessageKey } from '../../../src/ui/i18n/translate';

const UI = join(__dirname, '../../../src/ui');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(svelte|ts)$/.test(f) ? [p] : [];
  });
}

describe('i18n', () => {
  it('both catalogs have exactly the same keys', async () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const l of LOCALES) {
      await loadCatalog(l); // only English is there before its language is chosen
      expect(Object.keys(CATALOGS[l]!).length).toBe(Object.keys(en).length);
    }
  });

  it('every message is non-empty and uses the same placeholders in both locales', () => {
    for (const key of Object.keys(en) as MessageKey[]) {
      expect(en[key].trim(), key).not.toBe('');
      expect(zhCN[key].trim(), key).not.toBe('');
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('the Chinese catalog is translated (not English copied), except protocol names', () => {
    const same = (Object.keys(en) as MessageKey[]).filter((k) => en[k] === zhCN[k]);
    for (const k of same) expect(en[k], k).toMatch(/^[A-Z0-9 ()/-]+$|^\?$/);
  });

  it('every key the UI code uses exists in the catalog', () => {
    const used = new Set<string>();
    const usedByCourse = new Set<string>();
    for (const f of files(UI)) {
      const src = readFileSync(f, 'utf8');
      // The course (src/ui/course) has its own catalog, loaded with it: course/messages.ts.
      if (f.startsWith(join(UI, 'course'))) {
        for (const m of src.matchAll(/\bt\('([a-zA-Z0-9_.-]+)'/g)) usedByCourse.add(m[1]!);
        continue;
      }
      for (const m of src.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(m[1]!);
      for (const m of src.matchAll(/'((?:why|state|help|kind|layer|share|store|panel|toolbar|charts|controls)\.[a-zA-Z0-9_.]+)'/g)) used.add(m[1]!);
    }
    const missing = [...used].filter((k) => !(k in en));
    expect(missing).toEqual([]);
    expect([...usedByCourse].filter((k) => !(k in COURSE_MESSAGES.en))).toEqual([]);
    expect(usedByCourse.size).toBeGreaterThan(30);
    expect(used.size).toBeGreaterThan(100);
  });

  it('fills placeholders, and leaves unknown ones visible', async () => {
    await loadCatalog('zh-CN');
    expect(translate('en', 'controls.weightOf', { node: 'rs1' })).toBe('Weight of rs1');
    expect(translate('zh-CN', 'controls.weightOf', { node: 'rs1' })).toBe('rs1 的权重');
    expect(translate('en', 'controls.powerOff')).toBe('Power off {node}');
  });

  it('picks the locale from the browser languages', () => {
    expect(pickLocale(['zh-TW', 'en'])).toBe('zh-CN');
    expect(pickLocale(['zh'])).toBe('zh-CN');
    expect(pickLocale(['fr-FR', 'en-GB'])).toBe('en');
    expect(pickLocale(['de'])).toBe('en');
    expect(pickLocale([])).toBe('en');
  });

  it('machine states have messages', () => {
    for (const s of ['running', 'off', 'booting', 'stopped', 'hung', 'down', 'starting']) expect(stateKey(s)).toBe(`state.${s}`);
    expect(stateKey('weird')).toBe('state.unknown');
  });
});
