/**
 * The terminal's input line, as readline edits it: typing, backspace, left/right, home/
 * end, up/down through the history, Tab completion (the common prefix, or a list when
 * ambiguous), Ctrl-C, Ctrl-U, Ctrl-L. Pure: it takes key data and returns what to echo,
 * so the xterm glue stays thin and the editing is tested in Node.
 */

export interface EditorIo {
  history(): readonly string[];
  complete(line: string): string[];
}

export type KeyResult =
  /** Write this to the terminal (echo, cursor moves). */
  | { kind: 'echo'; text: string }
  /** The line is complete: run it. */
  | { kind: 'submit'; line: string }
  /** Ctrl-C. */
  | { kind: 'cancel' }
  /** Ctrl-L. */
  | { kind: 'clear' }
  /** Several completions: print them, then the prompt and the line again. */
  | { kind: 'list'; items: string[] };

const BS = '\b';

export class LineEditor {
  line = '';
  cursor = 0;
  private histIdx: number | undefined;
  private draft = '';

  constructor(private readonly io: EditorIo) {}

  reset(): void {
    this.line = '';
    this.cursor = 0;
    this.histIdx = undefined;
    this.draft = '';
  }

  /** One chunk of input from xterm's onData (a key, an escape sequence, or a paste). */
  key(data: string): KeyResult[] {
    switch (data) {
      case '\r':
        return [this.submit()];
      case '\x7f':
      case '\b':
        return [this.backspace()];
      case '\x1b[D':
        return this.cursor > 0 ? (this.cursor--, [{ kind: 'echo', text: '\x1b[D' }]) : [];
      case '\x1b[C':
        return this.cursor < this.line.length ? (this.cursor++, [{ kind: 'echo', text: '\x1b[C' }]) : [];
      case '\x1b[H':
      case '\x01':
        return [this.moveTo(0)];
      case '\x1b[F':
      case '\x05':
        return [this.moveTo(this.line.length)];
      case '\x1b[A':
        return this.historyMove(-1);
      case '\x1b[B':
        return this.historyMove(1);
      case '\x1b[3~':
        return [this.del()];
      case '\t':
        return this.tab();
      case '\x03':
        this.reset();
        return [{ kind: 'cancel' }];
      case '\x15':
        return [this.replace('')];
      case '\x0c':
        return [{ kind: 'clear' }];
    }
    if (data.startsWith('\x1b')) return [];
    // A paste may hold several lines: submit each complete one.
    const out: KeyResult[] = [];
    const parts = data.replace(/\r\n?/g, '\n').split('\n');
    parts.forEach((p, i) => {
      const text = p.replace(/[\x00-\x1f\x7f]/g, '');
      if (text) out.push(this.insert(text));
      if (i < parts.length - 1) out.push(this.submit());
    });
    return out;
  }

  private insert(text: string): KeyResult {
    const tail = this.line.slice(this.cursor);
    this.line = this.line.slice(0, this.cursor) + text + tail;
    this.cursor += text.length;
    return { kind: 'echo', text: text + tail + BS.repeat(tail.length) };
  }

  private backspace(): KeyResult {
    if (this.cursor === 0) return { kind: 'echo', text: '' };
    const tail = this.line.slice(this.cursor);
    this.line = this.line.slice(0, this.cursor - 1) + tail;
    this.cursor--;
    return { kind: 'echo', text: BS + tail + ' ' + BS.repeat(tail.length + 1) };
  }

  private del(): KeyResult {
    if (this.cursor >= this.line.length) return { kind: 'echo', text: '' };
    const tail = this.line.slice(this.cursor + 1);
    this.line = this.line.slice(0, this.cursor) + tail;
    return { kind: 'echo', text: tail + ' ' + BS.repeat(tail.length + 1) };
  }

  private moveTo(pos: number): KeyResult {
    const d = pos - this.cursor;
    this.cursor = pos;
    if (d === 0) return { kind: 'echo', text: '' };
    return { kind: 'echo', text: d > 0 ? `\x1b[${d}C` : `\x1b[${-d}D` };
  }

  /** Replace the whole line (history, Ctrl-U), redrawing it. */
  private replace(next: string): KeyResult {
    const erase = BS.repeat(this.cursor) + ' '.repeat(this.line.length) + BS.repeat(this.line.length);
    this.line = next;
    this.cursor = next.length;
    return { kind: 'echo', text: erase + next };
  }

  private historyMove(dir: -1 | 1): KeyResult[] {
    const h = this.io.history();
    if (h.length === 0) return [];
    if (this.histIdx === undefined) {
      if (dir > 0) return [];
      this.draft = this.line;
      this.histIdx = h.length;
    }
    const next = this.histIdx + dir;
    if (next < 0) return [];
    if (next >= h.length) {
      this.histIdx = undefined;
      return [this.replace(this.draft)];
    }
    this.histIdx = next;
    return [this.replace(h[next]!)];
  }

  private tab(): KeyResult[] {
    const before = this.line.slice(0, this.cursor);
    const word = /(\S*)$/.exec(before)?.[1] ?? '';
    const items = this.io.complete(before);
    if (items.length === 0) return [];
    const common = commonPrefix(items);
    const out: KeyResult[] = [];
    if (common.length > word.length) {
      let add = common.slice(word.length);
      if (items.length === 1 && !common.endsWith('/')) add += ' ';
      out.push(this.insert(add));
    } else if (items.length > 1) {
      out.push({ kind: 'list', items });
    }
    return out;
  }

  private submit(): KeyResult {
    const line = this.line;
    this.reset();
    return { kind: 'submit', line };
  }
}

export function commonPrefix(items: readonly string[]): string {
  if (items.length === 0) return '';
  let p = items[0]!;
  for (const s of items) while (!s.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/**
 * Text from the lab's shell, made safe for a terminal: newlines become CRLF and every
 * control character but tab and newline is dropped, so nothing in a shared lab (a file's
 * contents, an echo) can send escape sequences to xterm.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').replace(/\n/g, '\r\n');
}
