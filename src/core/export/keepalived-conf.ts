/**
 * keepalived's configuration syntax, read into a tree: each line is `keyword value…`; a `{`
 * opens the block of the keyword before it (on the same line or, Allman style, the line
 * above) and `}` closes it; `#` or `!` starts a comment that runs to the end of the line;
 * "double quotes" keep blanks inside one word. Braces need no blanks around them.
 *
 * Not supported (reported as errors): `include`, and unbalanced braces. keepalived's
 * `$VARIABLE` definitions, `@id` prefixes and `~SEQ` are not expanded: such lines arrive
 * as ordinary keywords for the reader to reject or ignore.
 */

export interface ConfNode {
  /** keyword, then its values. */
  words: string[];
  /** 1-based line of the keyword. */
  line: number;
  /** The block's statements, if the keyword opened one. */
  block?: ConfNode[];
}

export type ConfParse = { ok: true; nodes: ConfNode[] } | { ok: false; error: string };

type Token = { kind: 'word' | '{' | '}' | 'eol'; text: string; line: number };

function tokenize(text: string): Token[] | string {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      out.push({ kind: 'eol', text: '', line });
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#' || c === '!') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '{' || c === '}') {
      out.push({ kind: c, text: c, line });
      i++;
    } else {
      let w = '';
      while (i < text.length && !/[\s{}]/.test(text[i]!)) {
        if (text[i] === '"') {
          const end = text.indexOf('"', i + 1);
          const nl = text.indexOf('\n', i + 1);
          if (end < 0 || (nl >= 0 && nl < end)) return `line ${line}: unterminated "quoted string"`;
          w += text.slice(i + 1, end);
          i = end + 1;
        } else w += text[i++];
      }
      out.push({ kind: 'word', text: w, line });
    }
  }
  out.push({ kind: 'eol', text: '', line });
  return out;
}

/** Parse keepalived.conf text (or a part of it, such as one virtual_server block). */
export function parseKeepalivedConf(text: string): ConfParse {
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { ok: false, error: tokens };
  let pos = 0;

  const block = (opener: ConfNode | null): ConfNode[] | string => {
    const nodes: ConfNode[] = [];
    let current: ConfNode | null = null;
    for (;;) {
      const t = tokens[pos++];
      if (!t) return opener ? `line ${opener.line}: "${opener.words.join(' ')} {" is never closed (missing '}')` : nodes;
      if (t.kind === 'eol') current = null;
      else if (t.kind === 'word') {
        if (current) current.words.push(t.text);
        else {
          current = { words: [t.text], line: t.line };
          if (t.text === 'include') return `line ${t.line}: include is not supported; paste the included file instead`;
          nodes.push(current);
        }
      } else if (t.kind === '{') {
        const owner = current ?? nodes[nodes.length - 1];
        if (!owner || owner.block) return `line ${t.line}: '{' without a keyword before it`;
        const inner = block(owner);
        if (typeof inner === 'string') return inner;
        owner.block = inner;
        current = null;
      } else {
        if (!opener) return `line ${t.line}: unexpected '}' (no block is open)`;
        return nodes;
      }
    }
  };

  const nodes = block(null);
  return typeof nodes === 'string' ? { ok: false, error: nodes } : { ok: true, nodes };
}
