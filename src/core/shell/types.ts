/**
 * What every emulated command returns: its standard output and error as text, and its
 * exit status — exactly what the real tool would print, so a browser terminal and the
 * CLI show the same thing.
 */
export interface CmdResult {
  stdout: string;
  stderr: string;
  exit: number;
}

export function ok(stdout = ''): CmdResult {
  return { stdout, stderr: '', exit: 0 };
}

export function fail(stderr: string, exit = 1, stdout = ''): CmdResult {
  return { stdout, stderr, exit };
}
