/**
 * The Terminal panel's state: a readline-like editor (line-editor.ts) on the session's
 * shell. Every line goes through `session.terminal` (logged, replayed, shared); the prompt,
 * history and completions come from the shell itself. The xterm glue only passes keys in
 * and text out (`attach`). The shell is loaded on demand (features.ts): the panel loads it
 * before it opens, and until then nothing here touches it.
 */
import type { LabController } from './lab-controller.svelte';
import { LineEditor, terminalSafe } from './line-editor';
import type { Shell } from '../core/shell/shell';

export class TerminalState {
  readonly editor: LineEditor;
  /** Where text goes; set by the xterm component while it is mounted. */
  private sink: ((text: string) => void) | undefined;
  private pending = '';
  /** The shell whose background output (nc, tcpdump &) comes here. */
  private hooked: Shell | undefined;
  /** Lines run from this panel (for tests and the "last command" hint). */
  lastOutput = $state('');

  constructor(private readonly ctl: LabController) {
    this.editor = new LineEditor({
      history: () => this.shell.history(),
      complete: (line) => this.shell.complete(line),
    });
    ctl.watchLab((_lab, session) => {
      if (session.hasShell) this.hook(session.shell);
      return () => this.hook(undefined);
    });
  }

  private hook(shell: Shell | undefined): void {
    if (this.hooked === shell) return;
    if (this.hooked?.onAsyncOutput) this.hooked.onAsyncOutput = undefined;
    this.hooked = shell;
    if (shell) shell.onAsyncOutput = (t) => this.write(terminalSafe(t));
  }

  /** The session's shell, hooked for background output (it may have been loaded since the lab was built). */
  private get shell(): Shell {
    const sh = this.ctl.session.shell;
    this.hook(sh);
    return sh;
  }

  get prompt(): string {
    void this.ctl.version;
    return this.shell.prompt;
  }

  get node(): string {
    void this.ctl.version;
    return this.shell.node;
  }

  attach(sink: ((text: string) => void) | undefined): void {
    this.sink = sink;
    if (sink && this.pending) {
      sink(this.pending);
      this.pending = '';
    }
  }

  private write(text: string): void {
    if (this.sink) this.sink(text);
    else if (this.pending.length < 1 << 16) this.pending += text;
  }

  /** The first prompt. */
  start(banner: string): void {
    this.write(terminalSafe(banner + '\n') + this.shell.prompt + this.editor.line);
  }

  /** Keys or pasted text from xterm. */
  input(data: string): void {
    for (const r of this.editor.key(data)) {
      switch (r.kind) {
        case 'echo':
          this.write(r.text);
          break;
        case 'submit':
          this.write('\r\n');
          this.run(r.line);
          break;
        case 'cancel':
          this.write(terminalSafe(this.shell.cancel().output) + this.shell.prompt);
          break;
        case 'clear':
          this.write('\x1b[2J\x1b[H' + this.shell.prompt + this.editor.line);
          break;
        case 'list':
          this.write('\r\n' + terminalSafe(r.items.join('  ')) + '\r\n' + this.shell.prompt + this.editor.line);
          break;
      }
    }
  }

  /** Run a line as if typed (also used by the node picker: `ssh rs2`). */
  run(line: string): void {
    const r = this.ctl.terminal(line);
    this.lastOutput = r.output;
    this.write(terminalSafe(r.output) + this.shell.prompt);
  }

  /** Type and run a line, echoing it after the prompt. */
  type(line: string): void {
    this.write(terminalSafe(line) + '\r\n');
    this.run(line);
  }
}
