/**
 * bash's expansions for the words words.ts parsed: `~` at the start of a word, `$NAME`,
 * `${NAME}`, `$?`, `$(...)`; unquoted results are split into fields on blanks. No globbing
 * (a `*` stays a `*`, as with `shopt -u nullglob` and no match).
 */
import type { Word } from './words';

export interface Expander {
  /** A variable's value ('' when unset). */
  value(name: string): string;
  /** Run a command substitution and return its output without trailing newlines. */
  subst(src: string): string;
}

/** Expand a word into fields. */
export function expandWord(w: Word, x: Expander): string[] {
  const fields: string[] = [];
  let cur = '';
  let has = false;
  w.segs.forEach((s, i) => {
    switch (s.t) {
      case 'lit':
        cur += s.s;
        has = true;
        return;
      case 'raw':
        cur += i === 0 && (s.s === '~' || s.s.startsWith('~/')) ? '/root' + s.s.slice(1) : s.s;
        has = true;
        return;
      case 'var':
      case 'cmd': {
        const v = s.t === 'var' ? x.value(s.name) : x.subst(s.src);
        if (s.quoted) {
          cur += v;
          has = true;
          return;
        }
        v.split(/[ \t\n]+/).forEach((part, j) => {
          if (j > 0) {
            if (has) fields.push(cur);
            cur = '';
            has = false;
          }
          if (part !== '') {
            cur += part;
            has = true;
          }
        });
        return;
      }
    }
  });
  if (has) fields.push(cur);
  return fields;
}

/** A heredoc body with an unquoted delimiter: $NAME, ${NAME}, $(...) and \$ \` \\. */
export function expandHeredoc(body: string, x: Expander): string {
  return body.replace(/\\([$`\\])|\$\{([^}]*)\}|\$\(([^)]*)\)|\$([A-Za-z_][A-Za-z0-9_]*|[?$#0])/g, (_m, esc, braced, cmd, plain) => {
    if (esc !== undefined) return esc as string;
    if (braced !== undefined) return x.value(braced as string);
    if (cmd !== undefined) return x.subst(cmd as string);
    return x.value(plain as string);
  });
}
