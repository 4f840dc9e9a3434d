/**
 * `lab shell [scenario.json | --preset nat|dr|tun] [--seed N] [--node NAME] [--prompt]`:
 * the lab's terminal on stdin/stdout. Each input line is one line typed at the prompt;
 * what is printed is exactly what the browser terminal shows for it (stdout and stderr
 * together), without prompts unless --prompt (then each line is echoed after its prompt,
 * as a transcript). Interactive when stdin is a terminal.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Shell } from '../core/shell/shell';
import { labArg, seedArg } from './args';
import type { Io } from './io';

const USAGE = 'usage: lab shell [scenario.json | --preset nat|dr|tun] [--seed N] [--node NAME] [--prompt]';

export interface ShellCliOptions {
  write: (text: string) => void;
  /** Read all of stdin at once (tests, pipes); undefined: interactive. */
  input?: string;
}

export function shellCommand(argv: string[], io: Io, opts: ShellCliOptions = { write: (t) => process.stdout.write(t) }): number {
  let target = 'dr';
  let seed: number | undefined;
  let node: string | undefined;
  let prompt = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--preset') {
      const v = argv[++i];
      if (!v) {
        io.err(USAGE);
        return 2;
      }
      target = v;
    } else if (a === '--seed') {
      seed = seedArg(argv[++i], 'lab shell', io);
      if (seed === undefined) return 2;
    } else if (a === '--node') {
      node = argv[++i];
    } else if (a === '--prompt') prompt = true;
    else if (a === '-h' || a === '--help') {
      io.out(USAGE);
      return 0;
    } else if (a.startsWith('-')) {
      io.err(`lab shell: unknown option ${a}`);
      io.err(USAGE);
      return 2;
    } else target = a;
  }
  const lab = labArg(target, io, seed);
  if (!lab) return 2;
  let shell: Shell;
  try {
    shell = new Shell(lab, node !== undefined ? { node } : {});
  } catch (e) {
    io.err(`lab shell: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const write = opts.write;
  let last = 0;
  const feed = (line: string) => {
    const l = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (prompt) write(shell.prompt + l + '\n');
    const r = shell.run(l);
    write(r.output);
    last = r.exit;
  };
  const text = opts.input ?? (process.stdin.isTTY ? undefined : readFileSync(0, 'utf8'));
  if (text !== undefined) {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const l of lines) feed(l);
    const end = shell.eof();
    write(end.output);
    return end.output === '' ? last : end.exit;
  }
  // Interactive: a prompt before each line, until end of input.
  shell.onAsyncOutput = (t) => write(t);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: shell.prompt, terminal: true });
  rl.prompt();
  rl.on('line', (line) => {
    const r = shell.run(line);
    write(r.output);
    last = r.exit;
    rl.setPrompt(shell.prompt);
    rl.prompt();
  });
  rl.on('SIGINT', () => {
    write(shell.cancel().output);
    rl.setPrompt(shell.prompt);
    rl.prompt();
  });
  rl.on('close', () => {
    write('\n' + shell.eof().output);
    process.exitCode = last;
  });
  return 0;
}
