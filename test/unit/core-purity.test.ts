/**
 * src/core must run unchanged in Node and the browser and give the same trace for the same
 * scenario, seed and commands (ARCHITECTURE.md, "Deterministic"). So nothing under it may
 * import a viewer (pixi, Svelte), touch the DOM, or read wall-clock time or unseeded
 * randomness. Time comes from src/core/sim; randomness from its seeded streams.
 *
 * This is a line-based grep with comments stripped: cheap, and good enough to catch slips.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CORE = join(ROOT, 'src', 'core');

/**
 * A global reached bare or through globalThis/self/window, but not as someone's property
 * nor as a property being defined (`{ setTimeout: ... }`: the sim clock given to xstate).
 */
const bare = (name: string) => new RegExp(`(?:(?<![.\\w$])|(?<=\\b(?:globalThis|self|window)\\.))${name}\\b(?!\\s*:)`);

const RULES: readonly { what: string; re: RegExp }[] = [
  { what: 'imports pixi.js', re: /(?:from\s*|import\s*\(?\s*)['"](?:pixi\.js|@pixi\/[^'"]*)['"]/ },
  { what: 'imports svelte', re: /(?:from\s*|import\s*\(?\s*)['"]svelte(?:\/[^'"]*)?['"]/ },
  { what: 'uses the DOM (document.)', re: /(?<![.\w$])document\s*\./ },
  { what: 'uses the DOM (window.)', re: /(?<![.\w$])window\s*\./ },
  { what: 'uses the browser (navigator.)', re: /(?<![.\w$])navigator\s*\./ },
  { what: 'uses web storage', re: bare('(?:localStorage|sessionStorage)') },
  { what: 'reads wall-clock time (Date.now)', re: /\bDate\s*\.\s*now\b/ },
  { what: 'reads wall-clock time (new Date())', re: /\bnew\s+Date\s*\(\s*\)/ },
  { what: 'reads wall-clock time (performance.now)', re: /\bperformance\s*\.\s*now\b/ },
  { what: 'uses unseeded randomness (Math.random)', re: /\bMath\s*\.\s*random\b/ },
  { what: 'uses crypto randomness', re: /\bcrypto\s*\.\s*(?:getRandomValues|randomUUID)\b/ },
  { what: 'uses a real timer (setTimeout)', re: bare('setTimeout') },
  { what: 'uses a real timer (setInterval)', re: bare('setInterval') },
  { what: 'uses a real timer (requestAnimationFrame)', re: bare('requestAnimationFrame') },
];

/**
 * Blank out comments, keeping line numbers. Naive about comment markers inside string
 * literals ('http://…' loses its tail), which can only hide an offence, never invent one.
 */
function stripComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}

function findOffences(source: string): { line: number; what: string; text: string }[] {
  const found: { line: number; what: string; text: string }[] = [];
  const original = source.split('\n');
  stripComments(source)
    .split('\n')
    .forEach((code, i) => {
      for (const rule of RULES) {
        if (rule.re.test(code)) found.push({ line: i + 1, what: rule.what, text: (original[i] ?? '').trim() });
      }
    });
  return found;
}

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(?:[cm]?[jt]s|svelte)$/.test(name) ? [path] : [];
  });
}

describe('the purity grep itself', () => {
  it('catches each forbidden thing', () => {
    const bad = [
      "import { Graphics } from 'pixi.js';",
      "import { mount } from 'svelte';",
      "const s = await import('svelte/store');",
      'document.title = "x";',
      'window.addEventListener("x", f);',
      'const t = Date.now();',
      'const t = new Date();',
      'const t = performance.now();',
      'const r = Math.random();',
      'setTimeout(f, 10);',
      'globalThis.setInterval(f, 10);',
    ];
    for (const line of bad) expect(findOffences(line), line).not.toEqual([]);
  });

  it('ignores comments, properties and look-alikes', () => {
    const fine = [
      '// never call Date.now() here: use sim.now',
      '/* Math.random() would break replay */',
      '/**\n * setTimeout is forbidden;\n * the sim clock schedules instead\n */',
      'const rwnd = seg.window.size;',
      'sim.setTimeout(f, 10);',
      'setTimeout: (fn, ms) => engine.after(ms * 1000, fn),',
      'const d = new Date(0);',
      "import type { Packet } from '../net/packet';",
    ];
    for (const line of fine) expect(findOffences(line), line).toEqual([]);
  });
});

describe('src/core', () => {
  it('imports no viewer, touches no DOM, reads no wall clock or unseeded randomness', () => {
    const offenders = sourceFiles(CORE).flatMap((file) =>
      findOffences(readFileSync(file, 'utf8')).map((o) => `${relative(ROOT, file)}:${o.line}: ${o.what}: ${o.text}`),
    );
    expect(offenders, `forbidden in src/core:\n${offenders.join('\n')}`).toEqual([]);
  });
});
