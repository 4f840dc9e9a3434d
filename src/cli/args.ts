/**
 * What several lab commands take alike: a scenario (a preset's name or a JSON file), made
 * into a lab, `--seed N`, and durations such as `--for 30s`. Each reader prints why it
 * refuses an argument and gives undefined; the command then exits with status 2.
 */
import { readFileSync } from 'node:fs';
import { Lab } from '../core/lab';
import { PRESETS } from '../core/scenario/presets';
import { parseDuration } from '../core/scenario/schema';
import type { Io } from './io';

/** A preset by name, else a scenario file's JSON (not yet validated). */
export function loadScenarioArg(arg: string, io: Io): unknown | undefined {
  const preset = PRESETS[arg];
  if (preset) return preset();
  let text: string;
  try {
    text = readFileSync(arg, 'utf8');
  } catch {
    io.err(`lab: no preset or readable file named ${arg} (presets: ${Object.keys(PRESETS).join(', ')})`);
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    io.err(`lab: ${arg}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** The lab of `arg` (see loadScenarioArg), with `seed` in place of the scenario's if given. */
export function labArg(arg: string, io: Io, seed?: number): Lab | undefined {
  const input = loadScenarioArg(arg, io);
  if (input === undefined) return undefined;
  const withSeed = seed !== undefined && typeof input === 'object' && input !== null ? { ...(input as object), seed } : input;
  const created = Lab.create(withSeed);
  if (!created.ok) {
    io.err(`lab: invalid scenario ${arg}:`);
    for (const e of created.errors) io.err(`  ${e.path}: ${e.message}`);
    return undefined;
  }
  return created.lab;
}

/** `--seed N`: a whole number from 0 to 2³²−1. `cmd` names the command in the complaint ("lab run"). */
export function seedArg(word: string | undefined, cmd: string, io: Io): number | undefined {
  const v = Number(word);
  if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  io.err(`${cmd}: --seed needs an integer from 0 to 4294967295`);
  return undefined;
}

/** A duration in microseconds; a bare number is seconds. `opt` names the option in the complaint ("lab run: --for"). */
export function durationArg(word: string | undefined, opt: string, io: Io): number | undefined {
  try {
    return parseDuration(word && /^\d+$/.test(word) ? `${word}s` : (word ?? ''));
  } catch {
    io.err(`${opt} needs a duration such as 30s, not ${word ?? 'nothing'}`);
    return undefined;
  }
}
