/**
 * Where a LabSession gets its shell. The shell (this folder: bash, ipvsadm, ip, curl,
 * tcpdump, systemctl …) is the biggest part of the core, and a lab runs without it, so
 * the session does not import it: it is given a factory (`new LabSession(s, { shell })`)
 * or uses the default registered here with `useShell`.
 *
 * Node entry points (the CLI, the lesson runner, tests) register or pass the real Shell
 * up front; the page loads src/core/shell with `import()` when it first needs it (the
 * terminal, a control that sends an ipvsadm line, a saved lab with shell lines). This
 * module imports nothing but types, so it costs nothing to the page.
 */
import type { Lab } from '../lab';
import type { Shell } from './shell';

export type ShellFactory = (lab: Lab) => Shell;

let defaultFactory: ShellFactory | undefined;

/** Make `factory` the shell of every LabSession not given its own (undefined: none). */
export function useShell(factory: ShellFactory | undefined): void {
  defaultFactory = factory;
}

/** The registered default, if any. */
export function defaultShell(): ShellFactory | undefined {
  return defaultFactory;
}
