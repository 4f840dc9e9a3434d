/**
 * Small helpers shared by the commands: number parsing as the C tools do it, durations
 * as coreutils' sleep/timeout read them, and the lab's wall clock.
 */

/** strtol(s, &end, 10) that must consume all of `s`; undefined otherwise. */
export function intArg(s: string | undefined): number | undefined {
  if (s === undefined || !/^\s*[-+]?\d+$/.test(s)) return undefined;
  const v = Number(s.trim());
  return Number.isFinite(v) ? v : undefined;
}

/** A float argument (`-W 1.5`, `-m 2.5`), or undefined. */
export function floatArg(s: string | undefined): number | undefined {
  if (s === undefined || !/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  const v = Number(s.trim());
  return Number.isFinite(v) ? v : undefined;
}

/** coreutils' `sleep 1.5`, `timeout 10s`: seconds with an optional s/m/h/d suffix, in µs. */
export function durationArg(s: string): number | undefined {
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(s);
  if (!m) return undefined;
  const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  const us = Number(m[1]) * mult * 1e6;
  return Number.isFinite(us) ? Math.round(us) : undefined;
}

/**
 * The lab's calendar: simulated time 0 is 2026-11-26 00:00:00 UTC, the day the reference
 * captures were made (tcpdump's default clock uses the same day).
 */
export const LAB_EPOCH_S = 1795651200;

const DAYS = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface CivilTime {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  wd: string;
  mon: string;
}

/** Unix seconds to UTC calendar fields (no Date: the core stays clock-free). */
export function civil(unixS: number): CivilTime {
  const days = Math.floor(unixS / 86400);
  const secs = unixS - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
  return {
    y,
    mo,
    d,
    h: Math.floor(secs / 3600),
    mi: Math.floor(secs / 60) % 60,
    s: secs % 60,
    wd: DAYS[((days % 7) + 7) % 7]!,
    mon: MONTHS[mo - 1]!,
  };
}

/** Two digits (n ≥ 0): 07. tcpdump's per-packet timestamps use it too, hence no padStart. */
export const p2 = (n: number): string => (n < 10 ? '0' : '') + n;

/** The lab's time now as Unix seconds. */
export function labUnix(nowUs: number): number {
  return LAB_EPOCH_S + Math.floor(nowUs / 1e6);
}

/** systemd's timestamp of a lab time: `Thu 2026-11-26 00:00:05 UTC`. */
export function systemdTimestamp(us: number): string {
  const c = civil(labUnix(us));
  return `${c.wd} ${c.y}-${p2(c.mo)}-${p2(c.d)} ${p2(c.h)}:${p2(c.mi)}:${p2(c.s)} UTC`;
}

/** systemd's format_timespan as systemctl status prints an age: `5s`, `2min 3s`, `1h 4min`. */
export function systemdTimespan(us: number): string {
  const s = Math.floor(us / 1e6);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}min${s % 60 ? ` ${s % 60}s` : ''}`;
  return `${Math.floor(m / 60)}h${m % 60 ? ` ${m % 60}min` : ''}`;
}

/** `Thu, 26 Nov 2026 00:59:33 GMT` (HTTP Date). */
export function httpDate(unixS: number): string {
  const c = civil(unixS);
  return `${c.wd}, ${p2(c.d)} ${c.mon} ${c.y} ${p2(c.h)}:${p2(c.mi)}:${p2(c.s)} GMT`;
}

/** C's %g for a float, as printf("%g") prints it (6 significant digits, no trailing zeros). */
export function fmtG(x: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const en = Number(e);
    return `${mant}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  const s = x.toFixed(Math.max(0, 5 - exp));
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Interpret echo -e / printf backslash escapes. `stop` is set by \c. */
export function backslashEscapes(s: string, octalNeedsZero: boolean): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case 'e':
      case 'E':
        out += '\x1b';
        break;
      case '\\':
        out += '\\';
        break;
      case 'c':
        return { text: out, stop: true };
      case 'x': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1));
        if (m) {
          out += String.fromCharCode(parseInt(m[0], 16));
          i += m[0].length;
        } else out += '\\x';
        break;
      }
      default: {
        const re = octalNeedsZero ? /^0([0-7]{0,3})/ : /^([0-7]{1,3})/;
        const m = re.exec(s.slice(i));
        if (m) {
          out += String.fromCharCode(parseInt(m[1] || '0', 8) & 255);
          i += m[0].length - 1;
        } else out += '\\' + n;
      }
    }
  }
  return { text: out, stop: false };
}
