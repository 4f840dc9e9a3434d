/**
 * The Terminal panel's state: a readline-like editor (line-editor.ts) on the session's
 * shell. Every line goes through `session.terminal` (logged, replayed, shared); the prompt,
 * history and completions come from the shell itself. The xterm glue only passes keys in
 * and text out (`attach`).
 */
import type { LabController } from './lab-controller.svelte';
import { LineEditor, terminalSafe } from './line-editor';

export class TerminalState {
  readonly editor: LineEditor;
  /** Where text goes; set by the xterm component while it is mounted. */
  private sink: ((text: string) => void) | undefined;
  private pending = '';
  /** Lines run from this panel (for tests and the "last command" hint). */
  lastOutput = $state('');

  constructor(private readonly ctl: LabController) {
    this.editor = new LineEditor({
      history: () => this.ctl.session.shell.history(),
      complete: (line) => this.ctl.session.shell.complete(line),
    });
    ctl.watchLab((_lab, session) => {
      const shell = session.shell;
      shell.onAsyncOutput = (t) => this.write(terminalSafe(t));
      return () => {
        if (shell.onAsyncOutput) shell.onAsyncOutput = undefined;
      };
    });
  }

  get prompt(): string {
    void this.ctl.version;
    return this.ctl.session.shell.prompt;
  }

  get node(): string {
    void this.ctl.version;
    return this.ctl.session.shell.node;
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
    this.write(terminalSafe(banner + '\n') + this.ctl.session.shell.prompt + this.editor.line);
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
          this.write(terminalSafe(this.ctl.session.shell.cancel().output) + this.ctl.session.shell.prompt);
          break;
        case 'clear':
          this.write('\x1b[2J\x1b[H' + this.ctl.session.shell.prompt + this.editor.line);
          break;
        case 'list':
          this.write('\r\n' + terminalSafe(r.items.join('  ')) + '\r\n' + this.ctl.session.shell.prompt + this.editor.line);
          break;
      }
    }
  }

  /** Run a line as if typed (also used by the node picker: `ssh rs2`). */
  run(line: string): void {
    const r = this.ctl.terminal(line);
    this.lastOutput = r.output;
    this.write(terminalSafe(r.output) + this.ctl.session.shell.prompt);
  }

  /** Type and run a line, echoing it after the prompt. */
  type(line: string): void {
    this.write(terminalSafe(line) + '\r\n');
    this.run(line);
  }
}
