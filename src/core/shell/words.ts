/**
 * The lab shell's grammar: a small, faithful subset of bash's — words with '...', "..."
 * and backslash quoting, $NAME / ${NAME} / $? / $(...) expansions, pipelines, `;`, `&`,
 * `&&`, `||`, `!`, and the redirections `>`, `>>`, `<`, `2>`, `2>&1`, `&>`, `<<EOF`
 * (heredocs), `<<<` (here-strings).
 *
 * Not simulated (bash would accept them): subshells `( )`, groups `{ }`, `if`/`for`,
 * globbing and brace expansion. Parentheses answer bash's syntax error, as they would
 * in a position bash does not expect them.
 *
 * Parsing is linear in the input and never throws: an incomplete line (open quote,
 * trailing `|` or `\`, pending heredoc) is reported as `more`, as bash shows its `> `
 * continuation prompt.
 */

/** A piece of a word. `lit` is quoted or escaped text (never split); `raw` is unquoted. */
export type Seg =
  | { readonly t: 'lit'; readonly s: string }
  | { readonly t: 'raw'; readonly s: string }
  | { readonly t: 'var'; readonly name: string; readonly quoted: boolean }
  | { readonly t: 'cmd'; readonly src: string; readonly quoted: boolean };

export interface Word {
  readonly segs: readonly Seg[];
}

export type RedirOp = '>' | '>>' | '<' | '<<' | '<<-' | '<<<' | '>&' | '<&' | '&>' | '&>>';

export interface Heredoc {
  readonly delim: string;
  /** Unquoted delimiter: the body gets $ expansions. */
  readonly expand: boolean;
  /** `<<-`: leading tabs are stripped from body lines and the delimiter line. */
  readonly stripTabs: boolean;
  body: string | undefined;
}

export interface Redir {
  readonly fd: number;
  readonly op: RedirOp;
  readonly target: Word | undefined;
  readonly heredoc?: Heredoc;
}

export interface SimpleCmd {
  readonly words: readonly Word[];
  readonly redirs: readonly Redir[];
}

export interface Pipeline {
  readonly cmds: readonly SimpleCmd[];
  readonly bang: boolean;
}

export interface AndOr {
  readonly first: Pipeline;
  readonly rest: readonly { readonly op: '&&' | '||'; readonly p: Pipeline }[];
  readonly background: boolean;
}

export type ParseResult =
  | { readonly kind: 'ok'; readonly script: readonly AndOr[]; readonly heredocs: readonly Heredoc[] }
  /** Needs another line: `quote` is the open quote character when that is the reason. */
  | { readonly kind: 'more'; readonly quote?: string }
  /** bash's message without the `bash: ` prefix, e.g. "syntax error near unexpected token `|'". */
  | { readonly kind: 'error'; readonly message: string };

type Tok = { readonly k: 'word'; readonly w: Word } | { readonly k: 'op'; readonly op: string; readonly fd?: number };

type LexResult = { kind: 'ok'; toks: Tok[] } | { kind: 'more'; quote?: string } | { kind: 'error'; message: string };

const OPS = ['&&', '||', ';;', '&>>', '&>', '<<<', '<<-', '<<', '>>', '>&', '<&', '>|', '|', '&', ';', '<', '>', '(', ')', '\n'];
const META = new Set([' ', '\t', '\n', '|', '&', ';', '<', '>', '(', ')']);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIAL_VARS = new Set(['?', '$', '#', '!', '0', '-', '@', '*']);

/** Find the `)` closing a `$(` that starts at `i` (just after `$(`); -1 if the input ends first. */
function matchParen(s: string, i: number): number {
  let depth = 1;
  let q: string | undefined;
  for (let j = i; j < s.length; j++) {
    const c = s[j]!;
    if (q) {
      if (c === '\\' && q === '"') j++;
      else if (c === q) q = undefined;
      continue;
    }
    if (c === '\\') j++;
    else if (c === "'" || c === '"') q = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j;
  }
  return -1;
}

/** Read `$...` at s[i] === '$'. Returns the segment and the index after it, or undefined for a lone `$`. */
function dollar(s: string, i: number, quoted: boolean): { seg: Seg; next: number } | 'more' | undefined {
  const c = s[i + 1];
  if (c === undefined) return undefined;
  if (c === '(') {
    const end = matchParen(s, i + 2);
    if (end < 0) return 'more';
    return { seg: { t: 'cmd', src: s.slice(i + 2, end), quoted }, next: end + 1 };
  }
  if (c === '{') {
    const end = s.indexOf('}', i + 2);
    if (end < 0) return 'more';
    return { seg: { t: 'var', name: s.slice(i + 2, end), quoted }, next: end + 1 };
  }
  if (SPECIAL_VARS.has(c) || /[1-9]/.test(c)) return { seg: { t: 'var', name: c, quoted }, next: i + 2 };
  if (NAME_START.test(c)) {
    let j = i + 1;
    while (j < s.length && NAME_CHAR.test(s[j]!)) j++;
    return { seg: { t: 'var', name: s.slice(i + 1, j), quoted }, next: j };
  }
  return undefined;
}

function lex(s: string): LexResult {
  const toks: Tok[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\\' && s[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < n && s[i] !== '\n') i++;
      continue;
    }
    // Operators (an all-digit word directly before < or > is the fd it redirects).
    const op = OPS.find((o) => s.startsWith(o, i));
    if (op !== undefined) {
      toks.push({ k: 'op', op });
      i += op.length;
      continue;
    }
    // A word.
    const segs: Seg[] = [];
    let raw = '';
    const flushRaw = () => {
      if (raw) segs.push({ t: 'raw', s: raw });
      raw = '';
    };
    while (i < n && !META.has(s[i]!)) {
      const ch = s[i]!;
      if (ch === '\\') {
        if (i + 1 >= n) return { kind: 'more' };
        if (s[i + 1] === '\n') {
          i += 2;
          continue;
        }
        flushRaw();
        segs.push({ t: 'lit', s: s[i + 1]! });
        i += 2;
        continue;
      }
      if (ch === "'") {
        const end = s.indexOf("'", i + 1);
        if (end < 0) return { kind: 'more', quote: "'" };
        flushRaw();
        segs.push({ t: 'lit', s: s.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
      if (ch === '"') {
        flushRaw();
        let j = i + 1;
        let lit = '';
        let closed = false;
        while (j < n) {
          const d = s[j]!;
          if (d === '"') {
            closed = true;
            break;
          }
          if (d === '\\' && j + 1 < n && '"\\$`\n'.includes(s[j + 1]!)) {
            if (s[j + 1] !== '\n') lit += s[j + 1];
            j += 2;
            continue;
          }
          if (d === '$') {
            const r = dollar(s, j, true);
            if (r === 'more') return { kind: 'more', quote: '"' };
            if (r) {
              segs.push({ t: 'lit', s: lit });
              lit = '';
              segs.push(r.seg);
              j = r.next;
              continue;
            }
          }
          lit += d;
          j++;
        }
        if (!closed) return { kind: 'more', quote: '"' };
        segs.push({ t: 'lit', s: lit });
        i = j + 1;
        continue;
      }
      if (ch === '$') {
        const r = dollar(s, i, false);
        if (r === 'more') return { kind: 'more', quote: '(' };
        if (r) {
          flushRaw();
          segs.push(r.seg);
          i = r.next;
          continue;
        }
      }
      if (ch === '`') {
        const end = s.indexOf('`', i + 1);
        if (end < 0) return { kind: 'more', quote: '`' };
        flushRaw();
        segs.push({ t: 'cmd', src: s.slice(i + 1, end), quoted: false });
        i = end + 1;
        continue;
      }
      raw += ch;
      i++;
    }
    flushRaw();
    // `2>`, `1>>`, `0<`: a bare number right before a redirection names the descriptor.
    const only = segs.length === 1 ? segs[0] : undefined;
    if (only?.t === 'raw' && /^\d$/.test(only.s) && (s[i] === '>' || s[i] === '<')) {
      const rop = OPS.find((o) => s.startsWith(o, i))!;
      toks.push({ k: 'op', op: rop, fd: Number(only.s) });
      i += rop.length;
      continue;
    }
    toks.push({ k: 'word', w: { segs } });
  }
  return { kind: 'ok', toks };
}

const REDIR_OPS = new Set(['>', '>>', '<', '<<', '<<-', '<<<', '>&', '<&', '&>', '&>>', '>|']);

/** The literal text of a word, as a heredoc delimiter sees it (quotes removed). */
export function wordText(w: Word): string {
  return w.segs.map((s) => (s.t === 'lit' || s.t === 'raw' ? s.s : s.t === 'var' ? `$${s.name}` : `$(${s.src})`)).join('');
}

/** Parse one (possibly multi-line) input. */
export function parse(input: string): ParseResult {
  const lx = lex(input);
  if (lx.kind !== 'ok') return lx;
  const toks = lx.toks;
  let p = 0;
  const heredocs: Heredoc[] = [];
  const script: AndOr[] = [];
  const unexpected = (t: Tok | undefined): ParseResult => ({
    kind: 'error',
    message: `syntax error near unexpected token \`${t === undefined || (t.k === 'op' && t.op === '\n') ? 'newline' : t.k === 'op' ? t.op : wordText(t.w)}'`,
  });
  const isOp = (t: Tok | undefined, ...ops: string[]): boolean => t?.k === 'op' && ops.includes(t.op);

  const simple = (): SimpleCmd | ParseResult => {
    const words: Word[] = [];
    const redirs: Redir[] = [];
    for (;;) {
      const t = toks[p];
      if (t === undefined) break;
      if (t.k === 'word') {
        words.push(t.w);
        p++;
        continue;
      }
      if (!REDIR_OPS.has(t.op)) break;
      p++;
      const target = toks[p];
      if (target === undefined) return unexpected(undefined);
      if (target.k !== 'word') return unexpected(target);
      p++;
      const opName = (t.op === '>|' ? '>' : t.op) as RedirOp;
      const fd = t.fd ?? (opName.startsWith('<') ? 0 : 1);
      if (opName === '<<' || opName === '<<-') {
        const quoted = target.w.segs.some((s) => s.t === 'lit');
        const hd: Heredoc = { delim: wordText(target.w), expand: !quoted, stripTabs: opName === '<<-', body: undefined };
        heredocs.push(hd);
        redirs.push({ fd, op: opName, target: target.w, heredoc: hd });
      } else {
        redirs.push({ fd, op: opName, target: target.w });
      }
    }
    if (words.length === 0 && redirs.length === 0) return unexpected(toks[p]);
    return { words, redirs };
  };

  const pipeline = (): Pipeline | ParseResult => {
    let bang = false;
    const first = toks[p];
    if (first?.k === 'word' && first.w.segs.length === 1 && first.w.segs[0]!.t === 'raw' && first.w.segs[0]!.s === '!') {
      bang = true;
      p++;
    }
    const cmds: SimpleCmd[] = [];
    for (;;) {
      const c = simple();
      if ('kind' in c) return c;
      cmds.push(c);
      if (!isOp(toks[p], '|')) break;
      p++;
      while (isOp(toks[p], '\n')) p++;
      if (toks[p] === undefined) return { kind: 'more' };
    }
    return { cmds, bang };
  };

  while (p < toks.length) {
    while (isOp(toks[p], '\n', ';') && p < toks.length) {
      if (isOp(toks[p], ';') && script.length === 0) return unexpected(toks[p]);
      p++;
    }
    if (p >= toks.length) break;
    const first = pipeline();
    if ('kind' in first) return first;
    const rest: { op: '&&' | '||'; p: Pipeline }[] = [];
    while (isOp(toks[p], '&&', '||')) {
      const op = (toks[p] as { op: '&&' | '||' }).op;
      p++;
      while (isOp(toks[p], '\n')) p++;
      if (toks[p] === undefined) return { kind: 'more' };
      const next = pipeline();
      if ('kind' in next) return next;
      rest.push({ op, p: next });
    }
    let background = false;
    const t = toks[p];
    if (isOp(t, '&')) {
      background = true;
      p++;
    } else if (isOp(t, ';', '\n')) {
      p++;
    } else if (t !== undefined) {
      return unexpected(t);
    }
    script.push({ first, rest, background });
    if (isOp(toks[p], ';', '&')) return unexpected(toks[p]);
  }
  return { kind: 'ok', script, heredocs };
}

/**
 * bash's way of showing a command name in `command not found`: as typed, or in $'...'
 * form when it holds control characters.
 */
export function shownName(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f]/.test(name)) return name;
  let out = "$'";
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x1b') out += '\\E';
    else if (c < 0x20 || c === 0x7f) out += '\\' + c.toString(8).padStart(3, '0');
    else if (ch === "'") out += "\\'";
    else if (ch === '\\') out += '\\\\';
    else out += ch;
  }
  return out + "'";
}
