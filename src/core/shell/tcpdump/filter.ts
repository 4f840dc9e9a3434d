/**
 * The pcap-filter(7) language of libpcap 1.10.3, compiled to a tree of closures over the
 * packet model.
 *
 * The parser follows grammar.y rule by rule, including its quirks: `and` and `or` have
 * the same precedence and associate left to right; `not` binds tighter; a bare address or
 * number after `and`/`or` inherits the qualifiers of the primitive before it
 * (`host a or b`, `tcp port 80 or 443`), which is the `$<blk>0` of the grammar; errors use
 * libpcap's words (`can't parse filter expression: syntax error` from the parser,
 * `syntax error in filter expression`, `illegal port number ...` from gencode.c).
 *
 * Like a BPF program on the capturing interface, a filter sees the outer headers only:
 * an IP-in-IP packet is `proto 4`, and `tcp port 80` does not match it.
 */
import type { Frame } from '../../net/packet';
import { ETH_P_ARP, ETH_P_IP } from '../../net/packet';
import type { Ip } from '../../net/addr';
import { BROADCAST_MAC } from '../../net/addr';
import { etherHeaderBytes, networkBytes } from './wire';
import { protocolByName, serviceByName } from './services';

export type FilterLinkType = 'EN10MB' | 'LINUX_SLL2' | 'RAW';

export interface TcpdumpFilterOptions {
  /** Link type of the capture: Ethernet, `-i any`, or a raw-IP device like tunl0. */
  readonly linkType?: FilterLinkType;
  /** Name resolution for `host NAME` (/etc/hosts, DNS). Default: none, so `unknown host`. */
  readonly resolveHost?: (name: string) => readonly Ip[] | undefined;
  /** Netmask of the capture device, for `ip broadcast`. */
  readonly netmask?: number;
}

/** A compiled filter. `outbound` is the packet's direction (for `inbound`/`outbound`). */
export type TcpdumpFilter = (frame: Frame, outbound?: boolean) => boolean;

export type TcpdumpFilterResult =
  | { readonly ok: true; readonly match: TcpdumpFilter }
  | {
      readonly ok: false;
      /** The whole stderr line tcpdump prints (exit status 1), without the newline. */
      readonly error: string;
      /** libpcap's message alone. */
      readonly pcapError: string;
    };

// ---------------------------------------------------------------------------------------
// Scanner (scanner.l)

type Pname =
  | 'link' | 'ip' | 'arp' | 'rarp' | 'sctp' | 'tcp' | 'udp' | 'icmp' | 'igmp' | 'igrp' | 'pim'
  | 'vrrp' | 'carp' | 'radio' | 'ip6' | 'icmp6' | 'ah' | 'esp' | 'atalk' | 'aarp' | 'decnet'
  | 'lat' | 'sca' | 'moprc' | 'mopdl' | 'iso' | 'esis' | 'isis' | 'l1' | 'l2' | 'iih' | 'lsp'
  | 'snp' | 'csnp' | 'psnp' | 'clnp' | 'stp' | 'ipx' | 'netbeui';

type Tok =
  | { readonly t: 'pname'; readonly p: Pname; readonly s: string }
  | { readonly t: 'kw'; readonly k: string }
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'id' | 'hid' | 'eid'; readonly s: string }
  | { readonly t: 'op'; readonly s: string }
  | { readonly t: 'err' }
  | { readonly t: 'eof' };

const PNAMES: Record<string, Pname> = {
  link: 'link', ether: 'link', ppp: 'link', slip: 'link', fddi: 'link', tr: 'link', wlan: 'link',
  arp: 'arp', rarp: 'rarp', ip: 'ip', sctp: 'sctp', tcp: 'tcp', udp: 'udp', icmp: 'icmp',
  igmp: 'igmp', igrp: 'igrp', pim: 'pim', vrrp: 'vrrp', carp: 'carp', radio: 'radio',
  ip6: 'ip6', icmp6: 'icmp6', ah: 'ah', esp: 'esp', atalk: 'atalk', aarp: 'aarp',
  decnet: 'decnet', lat: 'lat', sca: 'sca', moprc: 'moprc', mopdl: 'mopdl', iso: 'iso',
  esis: 'esis', 'es-is': 'esis', isis: 'isis', 'is-is': 'isis', l1: 'l1', l2: 'l2', iih: 'iih',
  lsp: 'lsp', snp: 'snp', csnp: 'csnp', psnp: 'psnp', clnp: 'clnp', stp: 'stp', ipx: 'ipx',
  netbeui: 'netbeui',
};

/** Keywords and what the grammar calls them; ones we do not implement still lex as keywords. */
const KEYWORDS: Record<string, string> = {
  dst: 'dst', src: 'src', host: 'host', net: 'net', mask: 'mask', port: 'port',
  portrange: 'portrange', proto: 'proto', protochain: 'protochain', gateway: 'gateway',
  less: 'less', greater: 'greater', byte: 'byte', broadcast: 'broadcast', multicast: 'multicast',
  and: 'and', or: 'or', not: '!', len: 'len', length: 'len', inbound: 'inbound',
  outbound: 'outbound', ifindex: 'ifindex', vlan: 'vlan', mpls: 'mpls', pppoed: 'pppoed',
  pppoes: 'pppoes', geneve: 'geneve',
};
for (const k of [
  'type', 'subtype', 'direction', 'dir', 'address1', 'addr1', 'address2', 'addr2', 'address3',
  'addr3', 'address4', 'addr4', 'ra', 'ta', 'lane', 'llc', 'metac', 'bcc', 'oam', 'oamf4',
  'oamf4ec', 'oamf4sc', 'sc', 'ilmic', 'vpi', 'vci', 'connectmsg', 'metaconnect', 'on', 'ifname',
  'rset', 'ruleset', 'rnr', 'rulenum', 'srnr', 'subrulenum', 'reason', 'action', 'fisu', 'lssu',
  'lsu', 'msu', 'hfisu', 'hlssu', 'hmsu', 'sio', 'opc', 'dpc', 'sls', 'hsio', 'hopc', 'hdpc', 'hsls',
]) {
  KEYWORDS[k] = 'unsupported';
}

const CONSTANTS: Record<string, number> = {
  icmptype: 0, icmpcode: 1, 'icmp-echoreply': 0, 'icmp-unreach': 3, 'icmp-sourcequench': 4,
  'icmp-redirect': 5, 'icmp-echo': 8, 'icmp-routeradvert': 9, 'icmp-routersolicit': 10,
  'icmp-timxceed': 11, 'icmp-paramprob': 12, 'icmp-tstamp': 13, 'icmp-tstampreply': 14,
  'icmp-ireq': 15, 'icmp-ireqreply': 16, 'icmp-maskreq': 17, 'icmp-maskreply': 18,
  tcpflags: 13, 'tcp-fin': 0x01, 'tcp-syn': 0x02, 'tcp-rst': 0x04, 'tcp-push': 0x08,
  'tcp-ack': 0x10, 'tcp-urg': 0x20, 'tcp-ece': 0x40, 'tcp-cwr': 0x80,
};

const B = '[0-9A-Fa-f][0-9A-Fa-f]?';
const MAC_RE = new RegExp(
  `^(?:${B}:${B}:${B}:${B}:${B}:${B}|${B}-${B}-${B}-${B}-${B}-${B}|${B}\\.${B}\\.${B}\\.${B}\\.${B}\\.${B}` +
    `|[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4})`,
);
const N = '(?:0[Xx][0-9A-Fa-f]+|[0-9]+)';
const NUM_RE = new RegExp(`^${N}`);
const HID_RE = new RegExp(`^${N}(?:\\.${N}){1,3}`);
const ID_RE = /^[A-Za-z0-9](?:[-_.A-Za-z0-9]*[.A-Za-z0-9])?/;
const OPS2 = ['>=', '<=', '!=', '==', '<<', '>>', '&&', '||'];
const OPS1 = '+-*/%:[]!<>()&|^=';

class LexError {
  constructor(readonly msg: string) {}
}

/** pcapint_atoui32: 0x hex, leading-0 octal, else decimal. */
function atou(s: string): number {
  let v: number;
  if (/^0[xX]/.test(s)) v = parseInt(s.slice(2), 16);
  else if (s.length > 1 && s[0] === '0') {
    if (/[89]/.test(s)) throw new LexError(`number ${s} contains non-octal digit`);
    v = parseInt(s, 8);
  } else v = parseInt(s, 10);
  if (v > 0xffffffff) throw new LexError(`number ${s} overflows 32 bits`);
  return v;
}

/** Flex: longest match wins, ties go to the earlier rule. */
function scan(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const rest = src.slice(i);
    // Candidates in rule order; keep the first longest.
    let best: { len: number; tok: () => Tok } | undefined;
    const offer = (len: number, tok: () => Tok): void => {
      if (len > 0 && (best === undefined || len > best.len)) best = { len, tok };
    };
    const word = /^[A-Za-z0-9][-A-Za-z0-9]*/.exec(rest)?.[0] ?? '';
    // keywords (literal words; a keyword is matched only as typed, flex is case-sensitive)
    for (let l = word.length; l > 0; l--) {
      const w = word.slice(0, l);
      const p = PNAMES[w];
      const k = KEYWORDS[w];
      if (p !== undefined) {
        offer(l, () => ({ t: 'pname', p, s: w }));
        break;
      }
      if (k !== undefined) {
        offer(l, () => ({ t: 'kw', k }));
        break;
      }
    }
    if (OPS1.includes(c)) offer(1, () => ({ t: 'op', s: c }));
    const two = rest.slice(0, 2);
    if (OPS2.includes(two)) {
      offer(2, () =>
        two === '&&' ? { t: 'kw', k: 'and' } : two === '||' ? { t: 'kw', k: 'or' } : { t: 'op', s: two === '==' ? '=' : two },
      );
    }
    const mac = MAC_RE.exec(rest)?.[0];
    if (mac !== undefined) offer(mac.length, () => ({ t: 'eid', s: mac }));
    const num = NUM_RE.exec(rest)?.[0];
    if (num !== undefined) offer(num.length, () => ({ t: 'num', v: atou(num) }));
    const hid = HID_RE.exec(rest)?.[0];
    if (hid !== undefined) offer(hid.length, () => ({ t: 'hid', s: hid }));
    for (let l = word.length; l > 0; l--) {
      const v = CONSTANTS[word.slice(0, l)];
      if (v !== undefined) {
        offer(l, () => ({ t: 'num', v }));
        break;
      }
    }
    const id = ID_RE.exec(rest)?.[0];
    if (id !== undefined) offer(id.length, () => ({ t: 'id', s: id }));
    if (c === '\\') {
      const m = /^\\[^ !()\n\t]+/.exec(rest)?.[0];
      if (m !== undefined) offer(m.length, () => ({ t: 'id', s: m.slice(1) }));
    }
    if (best === undefined) {
      out.push({ t: 'err' });
      i++;
      continue;
    }
    out.push(best.tok());
    i += best.len;
  }
  out.push({ t: 'eof' });
  return out;
}

// ---------------------------------------------------------------------------------------
// Qualifiers and matchers (gencode.c)

type Proto = Pname | 'default' | 'undef';
type Dir = 'default' | 'src' | 'dst' | 'or' | 'and' | 'undef';
type Addr = 'default' | 'host' | 'net' | 'port' | 'portrange' | 'proto' | 'protochain' | 'gateway' | 'undef';

interface Qual {
  readonly proto: Proto;
  readonly dir: Dir;
  readonly addr: Addr;
}

const QERR: Qual = { proto: 'undef', dir: 'undef', addr: 'undef' };

/** A packet as a filter sees it; bytes are made only if a load asks for them. */
interface Pkt {
  readonly frame: Frame;
  readonly out: boolean;
  bytes?: Uint8Array;
}

type M = (p: Pkt) => boolean;

class SyntaxErr {}
const SYNTAX = new SyntaxErr();

class SemErr {
  constructor(readonly msg: string) {}
}

/** A load past the end of the packet makes a BPF program reject the packet. */
class Reject {}
const REJECT = new Reject();

const TRUE: M = () => true;
const FALSE: M = () => false;
const and = (a: M, b: M): M => (p) => a(p) && b(p);
const or = (a: M, b: M): M => (p) => a(p) || b(p);
const not = (a: M): M => (p) => !a(p);

const isIp: M = (p) => p.frame.ip !== undefined && p.frame.ethertype === ETH_P_IP;
const isArp: M = (p) => p.frame.arp !== undefined && p.frame.ethertype === ETH_P_ARP;
const ipProto =
  (n: number): M =>
  (p) =>
    p.frame.ip !== undefined && p.frame.ethertype === ETH_P_IP && p.frame.ip.proto === n;

const PROTO_NUMBERS: Partial<Record<Pname, number>> = {
  tcp: 6, udp: 17, icmp: 1, igmp: 2, igrp: 9, pim: 103, vrrp: 112, carp: 112, sctp: 132, ah: 51, esp: 50,
};

function bySide(dir: Dir, src: (p: Pkt) => boolean, dst: (p: Pkt) => boolean): M {
  switch (dir) {
    case 'src':
      return src;
    case 'dst':
      return dst;
    case 'and':
      return (p) => src(p) && dst(p);
    default:
      return (p) => src(p) || dst(p);
  }
}

function inNet(a: Ip, net: number, mask: number): boolean {
  return ((a & mask) >>> 0) === net >>> 0;
}

/** gen_host */
function genHost(addr: number, mask: number, proto: Proto, dir: Dir, type: Addr): M {
  const typestr = type === 'net' ? 'net' : 'host';
  const net = (addr & mask) >>> 0;
  switch (proto) {
    case 'default':
      return or(genHost(addr, mask, 'ip', dir, type), genHost(addr, mask, 'arp', dir, type));
    case 'ip':
      return bySide(
        dir,
        (p) => isIp(p) && inNet(p.frame.ip!.src, net, mask),
        (p) => isIp(p) && inNet(p.frame.ip!.dst, net, mask),
      );
    case 'arp':
      return bySide(
        dir,
        (p) => isArp(p) && inNet(p.frame.arp!.spa, net, mask),
        (p) => isArp(p) && inNet(p.frame.arp!.tpa, net, mask),
      );
    case 'rarp':
      return FALSE;
    case 'link':
      throw new SemErr(`link-layer modifier applied to ${typestr}`);
    case 'ip6':
      throw new SemErr(`'ip6' modifier applied to ip host`);
    default:
      throw new SemErr(`'${proto}' modifier applied to ${typestr}`);
  }
}

/** gen_port / gen_portrange: proto 'any' is TCP, UDP or SCTP. */
function genPortRange(lo: number, hi: number, proto: 'tcp' | 'udp' | 'sctp' | 'any', dir: Dir): M {
  if (lo > hi) [lo, hi] = [hi, lo];
  const ok = (p: Pkt): boolean => {
    const l4 = p.frame.ip?.l4;
    if (l4 === undefined || p.frame.ethertype !== ETH_P_IP || (l4.kind !== 'tcp' && l4.kind !== 'udp')) return false;
    return proto === 'any' || proto === l4.kind;
  };
  const ports = (p: Pkt): { sport: number; dport: number } => p.frame.ip!.l4 as { sport: number; dport: number };
  return bySide(
    dir,
    (p) => ok(p) && ports(p).sport >= lo && ports(p).sport <= hi,
    (p) => ok(p) && ports(p).dport >= lo && ports(p).dport <= hi,
  );
}

// ---------------------------------------------------------------------------------------
// Arithmetic (gen_load, gen_arth, gen_relation)

interface Arth {
  readonly ev: (p: Pkt) => number;
  /** Protocol checks the loads in this expression imply (ANDed into the relation). */
  readonly checks: readonly M[];
  readonly konst?: number;
}

// ---------------------------------------------------------------------------------------
// Parser (grammar.y), a PEG with dry runs for the few places LALR looks further ahead.

interface R {
  readonly m: M;
  readonly q: Qual;
}

class Parser {
  private pos = 0;
  private dry = false;
  private usesBytes = false;

  constructor(
    private readonly toks: readonly Tok[],
    private readonly o: TcpdumpFilterOptions,
  ) {}

  get needsBytes(): boolean {
    return this.usesBytes;
  }

  private peek(k = 0): Tok {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)]!;
  }

  private next(): Tok {
    const t = this.peek();
    if (t.t !== 'eof') this.pos++;
    return t;
  }

  private isKw(t: Tok, k: string): boolean {
    return t.t === 'kw' && t.k === k;
  }

  private isOp(t: Tok, s: string): boolean {
    return t.t === 'op' && t.s === s;
  }

  private expectOp(s: string): void {
    if (!this.isOp(this.next(), s)) throw SYNTAX;
  }

  private isNot(t: Tok): boolean {
    return this.isKw(t, '!') || this.isOp(t, '!');
  }

  /** Run `fn` on the tokens ahead without effects; true if it parses. */
  private attempt(fn: () => unknown): boolean {
    const pos = this.pos;
    const dry = this.dry;
    this.dry = true;
    try {
      fn();
      return true;
    } catch (e) {
      if (e instanceof SyntaxErr) return false;
      throw e;
    } finally {
      this.pos = pos;
      this.dry = dry;
    }
  }

  /** Semantic action: skipped in dry runs. */
  private act<T>(fn: () => T, dummy: T): T {
    return this.dry ? dummy : fn();
  }

  /** prog: null expr | null */
  prog(): M {
    if (this.peek().t === 'eof') return TRUE;
    const r = this.expr(QERR);
    if (this.peek().t !== 'eof') throw SYNTAX;
    return r.m;
  }

  /** expr: term | expr and term | expr and id | expr or term | expr or id */
  private expr(ctx: Qual): R {
    let r = this.term(ctx);
    for (;;) {
      const t = this.peek();
      const isAnd = this.isKw(t, 'and');
      if (!isAnd && !this.isKw(t, 'or')) return r;
      this.next();
      const prev = r;
      const rhs = this.attempt(() => this.term(prev.q)) ? this.term(prev.q) : this.id(prev.q);
      r = { m: this.act(() => (isAnd ? and(prev.m, rhs.m) : or(prev.m, rhs.m)), FALSE), q: rhs.q };
    }
  }

  /** term: rterm | not term */
  private term(ctx: Qual): R {
    if (this.isNot(this.peek())) {
      this.next();
      const r = this.term(ctx);
      return { m: this.act(() => not(r.m), FALSE), q: r.q };
    }
    return this.rterm(ctx);
  }

  private rterm(ctx: Qual): R {
    const t = this.peek();
    if (this.isOp(t, '(')) {
      const asExpr = (): R => {
        this.next();
        const r = this.expr(ctx);
        this.expectOp(')');
        return { m: r.m, q: ctx };
      };
      if (this.attempt(asExpr)) return asExpr();
      return this.relation();
    }
    const head = this.headAhead();
    if (head) {
      const q = this.head();
      return this.id(q);
    }
    if (t.t === 'pname') {
      const n = this.peek(1);
      if (this.isOp(n, '[')) return this.relation();
      if (this.isKw(n, 'broadcast') || this.isKw(n, 'multicast')) return this.other();
      this.next();
      return { m: this.act(() => this.protoAbbrev(t.p), FALSE), q: QERR };
    }
    if (t.t === 'kw' && ['broadcast', 'multicast', 'less', 'greater', 'inbound', 'outbound', 'vlan', 'mpls', 'pppoed', 'pppoes', 'geneve'].includes(t.k)) {
      return this.other();
    }
    if (t.t === 'num' || this.isOp(t, '-') || this.isKw(t, 'len')) return this.relation();
    throw SYNTAX;
  }

  /** Does a `head` start here (pqual followed by dqual/aqual/proto, or those alone)? */
  private headAhead(): boolean {
    let t = this.peek();
    if (t.t === 'pname') t = this.peek(1);
    return t.t === 'kw' && ['src', 'dst', 'host', 'net', 'port', 'portrange', 'proto', 'protochain', 'gateway'].includes(t.k);
  }

  /** pqual: an optional protocol name (ether, ip, tcp …) before a keyword. */
  private pqual(): Proto {
    const p = this.peek();
    if (p.t !== 'pname') return 'default';
    this.next();
    return p.p;
  }

  /** head: pqual dqual aqual | pqual dqual | pqual aqual | pqual PROTO | pqual PROTOCHAIN | pqual ndaqual */
  private head(): Qual {
    const proto = this.pqual();
    let dir: Dir = 'default';
    let addr: Addr = 'default';
    const t = this.next();
    if (t.t !== 'kw') throw SYNTAX;
    if (t.k === 'proto' || t.k === 'protochain' || t.k === 'gateway') return { proto, dir, addr: t.k };
    if (t.k === 'src' || t.k === 'dst') {
      dir = t.k;
      const c = this.peek();
      if (this.isKw(c, 'or') || this.isKw(c, 'and')) {
        this.next();
        const other = this.next();
        if (!this.isKw(other, t.k === 'src' ? 'dst' : 'src')) throw SYNTAX;
        dir = this.isKw(c, 'or') ? 'or' : 'and';
      }
      const a = this.peek();
      if (a.t === 'kw' && ['host', 'net', 'port', 'portrange'].includes(a.k)) {
        this.next();
        addr = a.k as Addr;
      }
      return { proto, dir, addr };
    }
    if (['host', 'net', 'port', 'portrange'].includes(t.k)) return { proto, dir, addr: t.k as Addr };
    throw SYNTAX;
  }

  /** id: nid | pnum | paren pid ')' ; nid: ID | HID '/' NUM | HID mask HID | HID | EID | not id */
  private id(ctx: Qual): R {
    const t = this.peek();
    if (this.isNot(t)) {
      this.next();
      const r = this.id(ctx);
      return { m: this.act(() => not(r.m), FALSE), q: r.q };
    }
    if (this.isOp(t, '(')) {
      if (this.attempt(() => this.pnum())) {
        const v = this.pnum();
        return { m: this.act(() => this.ncode(null, v, ctx), FALSE), q: ctx };
      }
      this.next();
      const r = this.pid(ctx);
      this.expectOp(')');
      return r;
    }
    if (t.t === 'num') {
      this.next();
      return { m: this.act(() => this.ncode(null, t.v, ctx), FALSE), q: ctx };
    }
    return this.nid(ctx);
  }

  private nid(ctx: Qual): R {
    const t = this.next();
    if (t.t === 'id') return { m: this.act(() => this.scode(t.s, ctx), FALSE), q: ctx };
    if (t.t === 'eid') return { m: this.act(() => this.ecode(t.s, ctx), FALSE), q: ctx };
    if (t.t === 'hid') {
      if (this.isOp(this.peek(), '/')) {
        this.next();
        const n = this.next();
        if (n.t !== 'num') throw SYNTAX;
        return { m: this.act(() => (this.hidCheck(ctx, ' and prefix length'), this.mcode(t.s, null, n.v, ctx)), FALSE), q: ctx };
      }
      if (this.isKw(this.peek(), 'mask')) {
        this.next();
        const m = this.next();
        if (m.t !== 'hid') throw SYNTAX;
        return { m: this.act(() => (this.hidCheck(ctx, ' and netmask'), this.mcode(t.s, m.s, 0, ctx)), FALSE), q: ctx };
      }
      return { m: this.act(() => (this.hidCheck(ctx, ''), this.ncode(t.s, 0, ctx)), FALSE), q: ctx };
    }
    throw SYNTAX;
  }

  /** pid: nid | qid and id | qid or id ; qid: pnum | pid (left-recursive, unrolled) */
  private pid(ctx: Qual): R {
    let r: R;
    let needOp = false;
    if (this.peek().t === 'num' || (this.isOp(this.peek(), '(') && this.attempt(() => this.pnum()))) {
      const v = this.pnum();
      r = { m: this.act(() => this.ncode(null, v, ctx), FALSE), q: ctx };
      needOp = true;
    } else if (this.isNot(this.peek())) {
      r = this.id(ctx);
    } else {
      r = this.nid(ctx);
    }
    for (;;) {
      const t = this.peek();
      const isAnd = this.isKw(t, 'and');
      if (!isAnd && !this.isKw(t, 'or')) break;
      this.next();
      needOp = false;
      const prev = r;
      const rhs = this.id(prev.q);
      r = { m: this.act(() => (isAnd ? and(prev.m, rhs.m) : or(prev.m, rhs.m)), FALSE), q: rhs.q };
    }
    if (needOp) throw SYNTAX;
    return r;
  }

  /** pnum: NUM | paren pnum ')' */
  private pnum(): number {
    const t = this.next();
    if (t.t === 'num') return t.v;
    if (this.isOp(t, '(')) {
      const v = this.pnum();
      this.expectOp(')');
      return v;
    }
    throw SYNTAX;
  }

  /** other: broadcast, multicast, less, greater, inbound, outbound, vlan, mpls, ... */
  private other(): R {
    const proto = this.pqual();
    const t = this.next();
    if (t.t !== 'kw') throw SYNTAX;
    const link = this.o.linkType ?? 'EN10MB';
    switch (t.k) {
      case 'broadcast':
        return { m: this.act(() => this.broadcast(proto, link), FALSE), q: QERR };
      case 'multicast':
        return { m: this.act(() => this.multicast(proto, link), FALSE), q: QERR };
      case 'less':
      case 'greater': {
        const n = this.next();
        if (n.t !== 'num' || proto !== 'default') throw SYNTAX;
        const v = n.v;
        const len = this.lenOf();
        return { m: t.k === 'less' ? (p) => len(p) <= v : (p) => len(p) >= v, q: QERR };
      }
      case 'inbound':
      case 'outbound':
        if (proto !== 'default') throw SYNTAX;
        return { m: t.k === 'inbound' ? (p) => !p.out : (p) => p.out, q: QERR };
      case 'vlan':
      case 'mpls':
      case 'pppoes':
      case 'geneve':
        if (proto !== 'default') throw SYNTAX;
        if (this.peek().t === 'num' || this.isOp(this.peek(), '(')) this.pnum();
        return { m: FALSE, q: QERR }; // the lab has no such encapsulations
      case 'pppoed':
        if (proto !== 'default') throw SYNTAX;
        return { m: FALSE, q: QERR };
      default:
        throw SYNTAX;
    }
  }

  // ---- arithmetic

  private relation(): R {
    const a = this.arth();
    const op = this.next();
    if (op.t !== 'op' || !['>', '>=', '=', '<=', '<', '!='].includes(op.s)) throw SYNTAX;
    const b = this.arth();
    return {
      m: this.act(() => {
        const cmp = relop(op.s);
        const checks = [...a.checks, ...b.checks];
        const rel: M = (p) => cmp(a.ev(p) >>> 0, b.ev(p) >>> 0);
        return checks.reduceRight<M>((acc, c) => and(c, acc), rel);
      }, FALSE),
      q: QERR,
    };
  }

  /** Precedence climbing over bison's %left declarations. */
  private arth(minPrec = 0): Arth {
    let left = this.arthUnary();
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op') return left;
      const prec = BINOPS[t.s];
      if (prec === undefined || prec < minPrec) return left;
      this.next();
      const right = this.arth(prec + 1);
      left = this.act(() => binop(t.s, left, right), DRY_ARTH);
    }
  }

  private arthUnary(): Arth {
    const t = this.peek();
    if (this.isOp(t, '-')) {
      this.next();
      const a = this.arthUnary();
      return this.act(
        () => ({ ev: (p: Pkt) => -a.ev(p) >>> 0, checks: a.checks, ...(a.konst !== undefined ? { konst: -a.konst >>> 0 } : {}) }),
        DRY_ARTH,
      );
    }
    if (t.t === 'num') {
      this.next();
      const v = t.v;
      return { ev: () => v, checks: [], konst: v };
    }
    if (this.isKw(t, 'len')) {
      this.next();
      const len = this.lenOf();
      return { ev: len, checks: [] };
    }
    if (this.isOp(t, '(')) {
      this.next();
      const a = this.arth();
      this.expectOp(')');
      return a;
    }
    if (t.t === 'pname' && this.isOp(this.peek(1), '[')) {
      this.next();
      this.next();
      const idx = this.arth();
      let size = 1;
      if (this.isOp(this.peek(), ':')) {
        this.next();
        const n = this.next();
        if (n.t !== 'num') throw SYNTAX;
        size = n.v;
      }
      this.expectOp(']');
      return this.act(() => this.load(t.p, idx, size), DRY_ARTH);
    }
    throw SYNTAX;
  }

  private lenOf(): (p: Pkt) => number {
    const link = this.o.linkType ?? 'EN10MB';
    const extra = link === 'LINUX_SLL2' ? 6 : link === 'RAW' ? -14 : 0;
    return (p) => p.frame.len + extra;
  }

  /** gen_load */
  private load(proto: Pname, idx: Arth, size: number): Arth {
    if (size !== 1 && size !== 2 && size !== 4) throw new SemErr('data size must be 1, 2, or 4');
    this.usesBytes = true;
    const link = this.o.linkType ?? 'EN10MB';
    const linkLen = link === 'EN10MB' ? 14 : link === 'LINUX_SLL2' ? 20 : 0;
    const read = (p: Pkt, off: number): number => {
      const b = packetBytes(p, link);
      if (off < 0 || off + size > b.length) throw REJECT;
      let v = 0;
      for (let i = 0; i < size; i++) v = v * 256 + b[off + i]!;
      return v;
    };
    let base: number;
    let check: M | undefined;
    if (proto === 'link') {
      base = 0;
    } else if (proto === 'ip' || proto === 'arp') {
      base = linkLen;
      check = proto === 'ip' ? isIp : isArp;
    } else if (PROTO_NUMBERS[proto] !== undefined) {
      base = linkLen + 20;
      check = ipProto(PROTO_NUMBERS[proto]!);
    } else if (['rarp', 'ip6', 'icmp6', 'atalk', 'decnet', 'sca', 'lat', 'moprc', 'mopdl'].includes(proto)) {
      base = linkLen;
      check = FALSE;
    } else {
      throw new SemErr('unsupported index operation');
    }
    return { ev: (p) => read(p, base + idx.ev(p)), checks: check ? [...idx.checks, check] : idx.checks };
  }

  // ---- semantic actions (gencode.c)

  private protoAbbrev(p: Pname): M {
    switch (p) {
      case 'ip':
        return isIp;
      case 'arp':
        return isArp;
      case 'link':
        throw new SemErr('link layer applied in wrong context');
      case 'radio':
        throw new SemErr("'radio' is not a valid protocol type");
      default: {
        const n = PROTO_NUMBERS[p];
        return n !== undefined ? ipProto(n) : FALSE;
      }
    }
  }

  private broadcast(proto: Proto, link: FilterLinkType): M {
    if (proto === 'default' || proto === 'link') {
      if (link !== 'EN10MB') throw new SemErr('not a broadcast link');
      return (p) => p.frame.dst === BROADCAST_MAC;
    }
    if (proto === 'ip') {
      const nm = this.o.netmask;
      if (nm === undefined) throw new SemErr("netmask not known, so 'ip broadcast' not supported");
      const hostmask = ~nm >>> 0;
      return (p) => {
        if (!isIp(p)) return false;
        const h = (p.frame.ip!.dst & hostmask) >>> 0;
        return h === 0 || h === hostmask;
      };
    }
    throw new SemErr('only link-layer/IP broadcast filters supported');
  }

  private multicast(proto: Proto, link: FilterLinkType): M {
    if (proto === 'default' || proto === 'link') {
      if (link !== 'EN10MB') {
        throw new SemErr('link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel');
      }
      return (p) => (parseInt(p.frame.dst.slice(0, 2), 16) & 1) === 1;
    }
    if (proto === 'ip') return (p) => isIp(p) && p.frame.ip!.dst >>> 24 >= 224;
    if (proto === 'ip6') return FALSE;
    throw new SemErr('only IP multicast filters supported on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel');
  }

  /** The grammar's checks before a bare address (grammar.y, nid: HID ...). */
  private hidCheck(q: Qual, what: string): void {
    if (q.addr === 'port' || q.addr === 'portrange' || q.addr === 'proto' || q.addr === 'protochain') {
      throw new SemErr(`'${q.addr}' modifier applied to IP address${what}`);
    }
  }

  /** gen_scode: a name. */
  private scode(name: string, q: Qual): M {
    switch (q.addr) {
      case 'net': {
        const nets: Record<string, number> = { loopback: 0x7f000000, 'link-local': 0xa9fe0000 }; // /etc/networks
        let addr = nets[name] ?? 0;
        if (addr === 0) throw new SemErr(`unknown network '${name}'`);
        let mask = 0xffffffff;
        while (addr !== 0 && (addr & 0xff000000) === 0) {
          addr = (addr << 8) >>> 0;
          mask = (mask << 8) >>> 0;
        }
        return genHost(addr, mask, q.proto, q.dir, 'net');
      }
      case 'default':
      case 'host': {
        if (q.proto === 'link') {
          if ((this.o.linkType ?? 'EN10MB') !== 'EN10MB') {
            throw new SemErr('only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel supports link-level host name');
          }
          throw new SemErr(`unknown ether host '${name}'`); // no /etc/ethers in the lab
        }
        const addrs = this.o.resolveHost?.(name);
        if (addrs === undefined || addrs.length === 0) throw new SemErr(`unknown host '${name}'`);
        if (q.proto === 'ip6') throw new SemErr(`unknown host '${name}' for specified address family`);
        return addrs.map((a) => genHost(a, 0xffffffff, q.proto, q.dir, q.addr)).reduce(or);
      }
      case 'port': {
        const proto = this.portProto(q.proto, 'port');
        const s = serviceByName(name);
        if (s === undefined) throw new SemErr(`unknown port '${name}'`);
        return genPortRange(s.port, s.port, this.realProto(proto, s.proto, `port '${name}'`), q.dir);
      }
      case 'portrange': {
        const proto = this.portProto(q.proto, 'portrange');
        const r = portRange(name);
        if (r === undefined) throw new SemErr(`unknown port in range '${name}'`);
        for (const v of [r.lo, r.hi]) {
          if (v < 0) throw new SemErr(`illegal port number ${v} < 0`);
          if (v > 65535) throw new SemErr(`illegal port number ${v} > 65535`);
        }
        return genPortRange(r.lo, r.hi, this.realProto(proto, r.proto, `port in range '${name}'`), q.dir);
      }
      case 'gateway':
        throw new SemErr("'gateway' not supported in this configuration");
      case 'proto':
      case 'protochain': {
        const v = lookupProto(name, q.proto);
        if (v === undefined) throw new SemErr(`unknown protocol: ${name}`);
        return genProto(v, q.proto, q.dir);
      }
      case 'undef':
        throw new SemErr('syntax error in filter expression');
    }
  }

  private portProto(p: Proto, what: string): 'tcp' | 'udp' | 'sctp' | 'any' {
    if (p === 'default') return 'any';
    if (p === 'tcp' || p === 'udp' || p === 'sctp') return p;
    throw new SemErr(`illegal qualifier of '${what}'`);
  }

  /** The tcp/udp consistency checks of gen_scode. */
  private realProto(q: 'tcp' | 'udp' | 'sctp' | 'any', found: 'tcp' | 'udp' | 'any', what: string): 'tcp' | 'udp' | 'sctp' | 'any' {
    if (q === 'any') return found;
    if (found !== 'any' && found !== q) throw new SemErr(`${what} is ${found}`);
    return q;
  }

  /** gen_ncode: a number or dotted address. */
  private ncode(s: string | null, v: number, q: Qual): M {
    let vlen = 32;
    if (s !== null) {
      const a = atoin(s);
      if (a === undefined) throw new SemErr(`invalid IPv4 address '${s}'`);
      v = a.addr;
      vlen = a.len;
    }
    switch (q.addr) {
      case 'default':
      case 'host':
      case 'net': {
        if (q.proto === 'link') throw new SemErr('illegal link layer address');
        let mask = 0xffffffff;
        if (s === null && q.addr === 'net') {
          while (v !== 0 && (v & 0xff000000) === 0) {
            v = (v << 8) >>> 0;
            mask = (mask << 8) >>> 0;
          }
        } else if (vlen < 32) {
          v = (v << (32 - vlen)) >>> 0;
          mask = (mask << (32 - vlen)) >>> 0;
        }
        return genHost(v, mask, q.proto, q.dir, q.addr);
      }
      case 'port':
      case 'portrange': {
        const proto = this.portProto(q.proto, q.addr);
        if (v > 65535) throw new SemErr(`illegal port number ${v} > 65535`);
        return genPortRange(v, v, proto, q.dir);
      }
      case 'gateway':
        throw new SemErr("'gateway' requires a name");
      case 'proto':
      case 'protochain':
        return genProto(v, q.proto, q.dir);
      case 'undef':
        throw new SemErr('syntax error in filter expression');
    }
  }

  /** gen_mcode: `net A/len`, `net A mask M`. */
  private mcode(s1: string, s2: string | null, masklen: number, q: Qual): M {
    const a = atoin(s1);
    if (a === undefined) throw new SemErr(`invalid IPv4 address '${s1}'`);
    const n = a.len < 32 ? (a.addr << (32 - a.len)) >>> 0 : a.addr;
    let m: number;
    if (s2 !== null) {
      const b = atoin(s2);
      if (b === undefined) throw new SemErr(`invalid IPv4 address '${s2}'`);
      m = b.len < 32 ? (b.addr << (32 - b.len)) >>> 0 : b.addr;
      if ((n & ~m) !== 0) throw new SemErr(`non-network bits set in "${s1} mask ${s2}"`);
    } else {
      if (masklen > 32) throw new SemErr('mask length must be <= 32');
      m = masklen === 0 ? 0 : (0xffffffff << (32 - masklen)) >>> 0;
      if ((n & ~m) !== 0) throw new SemErr(`non-network bits set in "${s1}/${masklen}"`);
    }
    if (q.addr !== 'net') throw new SemErr('Mask syntax for networks only');
    return genHost(n, m, q.proto, q.dir, 'net');
  }

  /** gen_ecode: an Ethernet address. */
  private ecode(s: string, q: Qual): M {
    if ((q.addr === 'host' || q.addr === 'default') && q.proto === 'link') {
      if ((this.o.linkType ?? 'EN10MB') !== 'EN10MB') {
        throw new SemErr('ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel');
      }
      const mac = etherAton(s);
      return bySide(q.dir, (p) => p.frame.src === mac, (p) => p.frame.dst === mac);
    }
    throw new SemErr('ethernet address used in non-ether expression');
  }
}

const DRY_ARTH: Arth = { ev: () => 0, checks: [] };

const BINOPS: Record<string, number> = {
  '|': 1, '^': 1, '&': 2, '<<': 3, '>>': 3, '+': 4, '-': 4, '*': 5, '/': 5, '%': 5,
};

function binop(op: string, a: Arth, b: Arth): Arth {
  const k = b.konst;
  if ((op === '/' || op === '%') && k === 0) throw new SemErr(op === '/' ? 'division by zero' : 'modulus by zero');
  if ((op === '<<' || op === '>>') && k !== undefined && k > 31) throw new SemErr('shift by more than 31 bits');
  const f = ((): ((x: number, y: number) => number) => {
    switch (op) {
      case '+':
        return (x, y) => (x + y) >>> 0;
      case '-':
        return (x, y) => (x - y) >>> 0;
      case '*':
        return (x, y) => Math.imul(x, y) >>> 0;
      case '/':
        return (x, y) => {
          if (y === 0) throw REJECT;
          return Math.floor(x / y) >>> 0;
        };
      case '%':
        return (x, y) => {
          if (y === 0) throw REJECT;
          return x % y >>> 0;
        };
      case '&':
        return (x, y) => (x & y) >>> 0;
      case '|':
        return (x, y) => (x | y) >>> 0;
      case '^':
        return (x, y) => (x ^ y) >>> 0;
      case '<<':
        return (x, y) => (y > 31 ? 0 : (x << y) >>> 0);
      default:
        return (x, y) => (y > 31 ? 0 : x >>> y);
    }
  })();
  const konst = a.konst !== undefined && k !== undefined && !((op === '/' || op === '%') && k === 0) ? f(a.konst, k) : undefined;
  return { ev: (p) => f(a.ev(p), b.ev(p)), checks: [...a.checks, ...b.checks], ...(konst !== undefined ? { konst } : {}) };
}

function relop(op: string): (x: number, y: number) => boolean {
  switch (op) {
    case '>':
      return (x, y) => x > y;
    case '>=':
      return (x, y) => x >= y;
    case '=':
      return (x, y) => x === y;
    case '<=':
      return (x, y) => x <= y;
    case '<':
      return (x, y) => x < y;
    default:
      return (x, y) => x !== y;
  }
}

/** gen_proto */
function genProto(v: number, proto: Proto, dir: Dir): M {
  if (dir !== 'default') throw new SemErr("direction applied to 'proto'");
  switch (proto) {
    case 'default':
    case 'ip':
      return ipProto(v);
    case 'link':
      return (p) => p.frame.ethertype === v;
    case 'arp':
    case 'rarp':
      throw new SemErr(`${proto} does not encapsulate another protocol`);
    case 'ip6':
      return FALSE;
    default:
      throw new SemErr(`'${proto} proto' is bogus`);
  }
}

const ETHER_PROTOS: Record<string, number> = {
  aarp: 0x80f3, arp: 0x0806, atalk: 0x809b, decnet: 0x6003, ip: 0x0800, ip6: 0x86dd, lat: 0x6004,
  loopback: 0x9000, mopdl: 0x6001, moprc: 0x6002, rarp: 0x8035, sca: 0x6007,
};

/** lookup_proto */
function lookupProto(name: string, proto: Proto): number | undefined {
  switch (proto) {
    case 'default':
    case 'ip':
    case 'ip6': {
      const v = protocolByName(name);
      if (v === undefined) throw new SemErr(`unknown ip proto '${name}'`);
      return v;
    }
    case 'link': {
      const v = ETHER_PROTOS[name];
      if (v === undefined) throw new SemErr(`unknown ether proto '${name}'`);
      return v;
    }
    default:
      return undefined;
  }
}

/** pcap_nametoportrange: `A-B`, each a number or a service name. */
function portRange(name: string): { lo: number; hi: number; proto: 'tcp' | 'udp' | 'any' } | undefined {
  const m = /^\s*([-+]?\d+)-([-+]?\d+)/.exec(name);
  if (m) return { lo: Number(m[1]), hi: Number(m[2]), proto: 'any' };
  const dash = name.indexOf('-');
  if (dash < 0) return undefined;
  const a = portByName(name.slice(0, dash));
  const b = portByName(name.slice(dash + 1));
  if (a === undefined || b === undefined) return undefined;
  return { lo: a.port, hi: b.port, proto: a.proto === b.proto ? b.proto : 'any' };
}

function portByName(s: string): { port: number; proto: 'tcp' | 'udp' | 'any' } | undefined {
  if (/^\d+$/.test(s)) return { port: Number(s), proto: 'any' };
  return serviceByName(s);
}

/** __pcap_atoin: dotted decimal with 1..4 parts, and how many bits were given. */
function atoin(s: string): { addr: number; len: number } | undefined {
  let addr = 0;
  let len = 0;
  for (const part of s.split('.')) {
    if (!/^\d+$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    addr = ((addr << 8) | n) >>> 0;
    len += 8;
  }
  return { addr, len };
}

/** pcap_ether_aton, normalised to the model's lower-case colon form. */
function etherAton(s: string): string {
  const parts = /^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$/.test(s)
    ? (s.replace(/\./g, '').match(/../g) ?? [])
    : s.split(/[-:.]/);
  return parts.map((h) => h.toLowerCase().padStart(2, '0')).join(':');
}

/** Link header + network bytes, as BPF sees them on this link type. */
function packetBytes(p: Pkt, link: FilterLinkType): Uint8Array {
  if (p.bytes !== undefined) return p.bytes;
  const net = networkBytes(p.frame);
  let hdr: number[];
  if (link === 'EN10MB') hdr = etherHeaderBytes(p.frame);
  else if (link === 'RAW') hdr = [];
  else {
    // LINUX_SLL2: protocol, reserved, ifindex, ARPHRD_ETHER, packet type, halen, address
    const t = p.frame.ethertype;
    const mac = p.frame.src.split(':').map((h) => parseInt(h, 16));
    hdr = [t >>> 8, t & 255, 0, 0, 0, 0, 0, 0, 0, 1, p.out ? 4 : 0, 6, ...mac, 0, 0];
  }
  const b = new Uint8Array(hdr.length + net.length);
  b.set(hdr, 0);
  b.set(net, hdr.length);
  p.bytes = b;
  return b;
}

/**
 * Compile a tcpdump filter expression (the words after the options, joined by spaces).
 * The empty expression matches everything.
 */
export function parseTcpdumpFilter(expr: string, opts: TcpdumpFilterOptions = {}): TcpdumpFilterResult {
  let root: M;
  let needsBytes: boolean;
  try {
    const parser = new Parser(scan(expr), opts);
    root = parser.prog();
    needsBytes = parser.needsBytes;
  } catch (e) {
    const msg =
      e instanceof SyntaxErr
        ? "can't parse filter expression: syntax error"
        : e instanceof SemErr || e instanceof LexError
          ? e.msg
          : undefined;
    if (msg === undefined) throw e;
    return { ok: false, error: `tcpdump: ${msg}`, pcapError: msg };
  }
  if (!needsBytes) return { ok: true, match: (frame, outbound = false) => root({ frame, out: outbound }) };
  return {
    ok: true,
    match: (frame, outbound = false) => {
      try {
        return root({ frame, out: outbound });
      } catch (e) {
        if (e === REJECT) return false;
        throw e;
      }
    },
  };
}
