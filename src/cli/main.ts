/**
 * The LVS Lab command line: the headless lab plus a terminal.
 *   lab run <scenario.json | preset> [--for 30s] [--seed N] [--trace FILE.jsonl] [--hash]
 *   lab sched-replay [--kernel 6.12|6.1] [--check] FILE...
 *   lab stickiness [--clients N] [--seed N]
 *   lab export keepalived|ldirectord|ipvsadm|rs-setup [--preset P | --scenario FILE] [--node NAME]
 *   lab presets
 */
import { processIo, type Io } from './io';
import { runCommand } from './run';
import { runSchedReplay } from './sched-replay';
import { shellCommand } from './shell';
import { runExport } from './export';
import { runLesson } from './lesson';
import { PRESETS } from '../core/scenario/presets';
import { runStickiness } from './stickiness';

const USAGE = [
  'usage: lab <command> [options]',
  '  run <scenario.json | preset> [--for 30s] [--seed N] [--trace FILE.jsonl] [--hash] [--timeline] [--availability]',
  '  shell [FILE | --preset P] [--seed N] [--node N] [--prompt]   (commands on stdin, one a line)',
  '  stickiness [--clients N] [--seed N]',
  '  sched-replay [--kernel 6.12|6.1] [--check] FILE...',
  '  lesson lint [FILE...] | lesson check FILE... --solve',
  '  export keepalived|ldirectord|ipvsadm|rs-setup [--preset P | --scenario FILE] [--node NAME] [--at 30s]',
  '  presets',
];

export function main(argv: string[], io: Io): number {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run':
      return runCommand(rest, io);
    case 'sched-replay':
      return runSchedReplay(rest, io);
    case 'shell':
      return shellCommand(rest, io);
    case 'lesson':
      return runLesson(rest, io);
    case 'export':
      return runExport(rest, io);
    case 'stickiness':
      return runStickiness(rest, io);
    case 'presets':
      for (const p of Object.keys(PRESETS)) io.out(p);
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      for (const l of USAGE) io.out(l);
      return cmd === undefined ? 2 : 0;
    default:
      io.err(`lab: unknown command ${cmd}`);
      for (const l of USAGE) io.err(l);
      return 2;
  }
}

process.exitCode = main(process.argv.slice(2), processIo);
