/**
 * config_stream_read (ipvsadm's config_stream.c): how `ipvsadm -R` splits its input. A line
 * is cut at blanks (space, tab, CR) with fscanf — no quoting, no comments (its `#` test
 * never fires) — and the word "ipvsadm" is dropped wherever it stands.
 */
export class ConfigStream {
  private pos = 0;

  constructor(private readonly text: string) {}

  /**
   * The next line as an argv: `first` (argv[0]) and the line's words, or null at the end
   * of input (or when the input ends in blanks after the last newline).
   */
  readLine(first: string): string[] | null {
    const s = this.text;
    const ws = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
    const a = [first];
    let ntoken = 0;
    for (;;) {
      if (this.pos >= s.length) return ntoken === 0 ? null : a;
      if (ws(s[this.pos])) {
        // fscanf matched nothing: skip blanks up to the end of the line.
        for (;;) {
          const c = s[this.pos++];
          if (c === undefined) return null;
          if (c === '\n') return a;
          if (c !== ' ' && c !== '\t' && c !== '\r') {
            this.pos--;
            break;
          }
        }
        continue;
      }
      let end = this.pos;
      while (end < s.length && !ws(s[end])) end++;
      const token = s.slice(this.pos, end);
      this.pos = end;
      if (token !== 'ipvsadm') {
        ntoken++;
        a.push(token);
      }
      if (end < s.length) {
        const tail = s[this.pos++];
        if (tail === '\n') return a;
      }
    }
  }
}
