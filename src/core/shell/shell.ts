/**
 * The lab's root shell, one per terminal: `[root@director ~]# `, `ssh rs2` to move,
 * `exit` to come back. It parses a line (words.ts), expands it, sets up pipes and
 * redirections, and runs each command from the table in registry.ts with a context
 * (context.ts) that writes to the terminal, a pipe or a file.
 *
 * `run(line)` returns what the terminal shows — stdout and stderr interleaved as a real
 * terminal would show them — and the exit status. Commands that take time run the
 * simulation until they finish (bounded), so a `curl` returns its answer at once.
 *
 * Lab-level commands (`lab power off rs1`, `systemctl stop nginx`) go through
 * `lab.apply`, so they are logged and replayable. Other commands change the model
 * directly, as root's commands change a real kernel; the shell does not log them.
 */
import type { Lab } from '../lab';
import type { Micros } from '../sim/engine';
import { parse, shownName, type AndOr, type Heredoc, type Pipeline, type Redir, type SimpleCmd, type Word } from './words';
import { NodeSys, MAX_WAIT_US, FOREGROUND_US, type CmdCtx, type Job, type ShellApi, type WaitResult } from './context';
import { resolvePath } from './vfs';
import { findCommand, commandNames } from './registry';
import { installProc } from './commands/ipvs';
import { expandHeredoc, expandWord, type Expander } from './expand';

export interface ShellResult {
  /** What the terminal shows (stdout and stderr interleaved), usually ending in "\n". */
  output: string;
  exit: number;
}

export interface ShellOptions {
  /** The node whose console this terminal starts on (default: the first director, else the first host). */
  node?: string;
}

export { MAX_WAIT_US, FOREGROUND_US };
/** bash's HISTSIZE on Debian (~/.bashrc). */
const HISTSIZE = 1000;
/** Bound for absurd input: longer lines are refused rather than parsed. */
const MAX_LINE = 1 << 20;
/** Deepest `$(...)`/`ssh host cmd` nesting we follow. */
const MAX_NESTING = 16;

interface Frame {
  node: string;
  /** A shell for one `ssh node command`: `exit` there ends only that command. */
  remote?: boolean;
  cwd: string;
  vars: Map<string, string>;
  lastExit: number;
  pid: number;
}

type Target = { kind: 'term' } | { kind: 'null' } | { kind: 'buf'; text: string } | { kind: 'file'; path: string; text: string; append: boolean };

interface Io {
  stdin: string | undefined;
  fd1: Target;
  fd2: Target;
}

const TERM: Target = { kind: 'term' };

/** Commands that still answer on a powered-off node's console: the lab's own, and the shell's. */
const WHEN_OFF = new Set(['lab', 'exit', 'logout', 'help', 'clear', 'history']);
/** Builtins that bash reports write errors for as `bash: NAME: write error: ...`. */
const BUILTINS = new Set(['echo', 'printf', 'pwd', 'history', 'help', 'jobs', 'type']);

export class Shell {
  private readonly systems = new Map<string, NodeSys>();
  private readonly frames: Frame[] = [];
  private pending = '';
  private heredocWait: { script: readonly AndOr[]; heredocs: readonly Heredoc[]; idx: number; lines: string[]; first: string } | undefined;
  private out = '';
  private inRun = false;
  private asyncBuf = '';
  private detached = 0;
  private nesting = 0;
  private deadline: Micros | undefined;
  private deadlineHit = false;
  private histBase = new Map<string, number>();
  private currentLine = '';
  private pidCounter = 2000;
  readonly jobs: Job[] = [];
  /** Set by a UI that wants background output (nc, tcpdump &) as it happens between commands. */
  onAsyncOutput: ((text: string) => void) | undefined;
  private readonly api: ShellApi;

  constructor(
    readonly lab: Lab,
    opts: ShellOptions = {},
  ) {
    const hosts = [...lab.nodes.values()].filter((n) => n.host);
    const start = opts.node ?? (hosts.find((n) => n.kind === 'director') ?? hosts[0])?.name;
    if (start === undefined || !lab.nodes.get(start)?.host) throw new Error(`no host node ${start ?? ''} for a shell`);
    this.frames.push(this.newFrame(start));
    this.api = this.makeApi();
    lab.shellRunner = (node, line) => this.runDetached(node, line);
  }

  /** The node the terminal is on now. */
  get node(): string {
    return this.frame.node;
  }

  /** What bash shows before input: `[root@rs1 ~]# `, or `> ` while a command continues. */
  get prompt(): string {
    if (this.pending !== '' || this.heredocWait) return '> ';
    const f = this.frame;
    const dir = f.cwd === '/root' ? '~' : f.cwd === '/' ? '/' : f.cwd.slice(f.cwd.lastIndexOf('/') + 1);
    return `[root@${this.sys(f.node).hostname} ${dir}]# `;
  }

  /** The current node's history, oldest first (for the terminal's up-arrow). */
  history(): readonly string[] {
    return this.sys(this.node).history;
  }

  /** Run one line (or several, separated by newlines) as typed at the prompt. */
  run(input: string): ShellResult {
    if (this.inRun) return { output: '', exit: 1 };
    this.inRun = true;
    this.out = this.takeAsync();
    let exit = this.frame.lastExit;
    try {
      const text = input.length > MAX_LINE ? input.slice(0, MAX_LINE) : input;
      for (const line of text.split('\n')) exit = this.feed(line);
    } catch (e) {
      // A bug must not kill the terminal: say so as bash would about an internal error.
      this.out += `bash: internal error: ${e instanceof Error ? e.message : String(e)}\n`;
      exit = 1;
      this.frame.lastExit = exit;
    } finally {
      this.inRun = false;
    }
    return this.finish(exit);
  }

  /** What a run printed, with bash's job notices at its end; the buffer starts empty again. */
  private finish(exit: number): ShellResult {
    this.reportJobs();
    const output = this.out;
    this.out = '';
    return { output, exit };
  }

  /** Ctrl-C at the prompt: drops a half-typed continuation; the terminal shows ^C. */
  cancel(): ShellResult {
    this.pending = '';
    this.heredocWait = undefined;
    this.frame.lastExit = 130;
    return { output: '^C\n', exit: 130 };
  }

  /**
   * End of input (Ctrl-D, or the end of a script): finish what bash would — a heredoc
   * still open runs with the lines it has (after bash's warning); an open quote or a
   * trailing `|` is a syntax error.
   */
  eof(): ShellResult {
    if (this.inRun) return { output: '', exit: 1 };
    const hw = this.heredocWait;
    if (hw) {
      const hd = hw.heredocs[hw.idx]!;
      this.inRun = true;
      this.out = `bash: warning: here-document at line 1 delimited by end-of-file (wanted \`${hd.delim}')\n`;
      this.heredocWait = undefined;
      for (let i = hw.idx; i < hw.heredocs.length; i++) hw.heredocs[i]!.body = i === hw.idx && hw.lines.length ? hw.lines.join('\n') + '\n' : '';
      let exit = 1;
      try {
        exit = this.execScript(hw.script);
      } finally {
        this.inRun = false;
      }
      return this.finish(exit);
    }
    if (this.pending !== '') {
      const r = parse(this.pending);
      this.pending = '';
      this.frame.lastExit = 2;
      const quote = r.kind === 'more' ? r.quote : undefined;
      return { output: (quote ? `bash: unexpected EOF while looking for matching \`${quote === '(' ? ')' : quote}'\n` : '') + 'bash: syntax error: unexpected end of file\n', exit: 2 };
    }
    return { output: '', exit: this.frame.lastExit };
  }

  /** Completions for the word being typed (commands first, then nodes after ssh, then paths). */
  complete(line: string): string[] {
    const m = /(\S*)$/.exec(line);
    const word = m?.[1] ?? '';
    const before = line.slice(0, line.length - word.length).trim();
    if (before === '') return commandNames().filter((n) => n.startsWith(word));
    if (/^ssh$/.test(before)) return [...this.lab.nodes.values()].filter((n) => n.host && n.name.startsWith(word)).map((n) => n.name);
    if (/\bdev$/.test(before) || /-i$/.test(before)) return this.sys(this.node).host.ifaces.map((d) => d.name).filter((n) => n.startsWith(word));
    const slash = word.lastIndexOf('/');
    const dirPart = slash >= 0 ? word.slice(0, slash + 1) : '';
    const sys = this.sys(this.node);
    const dir = resolvePath(this.frame.cwd, dirPart || '.');
    const names = sys.list(dir) ?? [];
    return names
      .filter((n) => n.startsWith(word.slice(slash + 1)))
      .map((n) => dirPart + n + (sys.isDir(resolvePath(dir, n)) ? '/' : ''));
  }

  /** bash's notice, before the prompt, of background jobs that have ended. */
  private reportJobs(): void {
    for (let i = 0; i < this.jobs.length; ) {
      const j = this.jobs[i]!;
      if (j.ended === undefined) {
        i++;
        continue;
      }
      this.jobs.splice(i, 1);
      if (j.announce) this.out += `[${j.id}]+  ${j.ended.padEnd(24)}${j.cmdline}\n`;
    }
  }

  // ------------------------------------------------------------------ input

  private get frame(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  private sys(node: string): NodeSys {
    let s = this.systems.get(node);
    if (!s) {
      s = new NodeSys(this.lab, node);
      installProc(s);
      this.systems.set(node, s);
    }
    return s;
  }

  private newFrame(node: string): Frame {
    return { node, cwd: '/root', vars: new Map(), lastExit: 0, pid: this.nextPid() };
  }

  private nextPid(): number {
    this.pidCounter += 1 + (this.pidCounter % 7);
    return this.pidCounter;
  }

  private takeAsync(): string {
    const s = this.asyncBuf;
    this.asyncBuf = '';
    return s;
  }

  /** One physical line of input: continue a heredoc or a half-typed command, or start one. */
  private feed(line: string): number {
    const hw = this.heredocWait;
    if (hw) {
      const hd = hw.heredocs[hw.idx]!;
      const cmp = hd.stripTabs ? line.replace(/^\t+/, '') : line;
      if (cmp === hd.delim) {
        hd.body = hw.lines.length ? hw.lines.join('\n') + '\n' : '';
        hw.lines = [];
        hw.idx++;
        if (hw.idx >= hw.heredocs.length) {
          this.heredocWait = undefined;
          return this.execScript(hw.script);
        }
      } else {
        hw.lines.push(cmp);
      }
      return this.frame.lastExit;
    }
    const text = this.pending !== '' ? this.pending + '\n' + line : line;
    const r = parse(text);
    if (r.kind === 'more') {
      this.pending = text;
      return this.frame.lastExit;
    }
    this.pending = '';
    this.remember(text);
    this.currentLine = text;
    if (r.kind === 'error') {
      this.out += `bash: ${r.message}\n`;
      this.frame.lastExit = 2;
      return 2;
    }
    if (r.heredocs.length > 0) {
      this.heredocWait = { script: r.script, heredocs: r.heredocs, idx: 0, lines: [], first: text };
      return this.frame.lastExit;
    }
    return this.execScript(r.script);
  }

  /** HISTCONTROL=ignoreboth (Debian's ~/.bashrc): no lines starting with a space, no repeats. */
  private remember(text: string): void {
    if (text.trim() === '' || text.startsWith(' ') || this.detached > 0) return;
    const h = this.sys(this.node).history;
    if (h[h.length - 1] === text) return;
    h.push(text.length > 4096 ? text.slice(0, 4096) : text);
    if (h.length > HISTSIZE) {
      h.shift();
      this.histBase.set(this.node, (this.histBase.get(this.node) ?? 0) + 1);
    }
  }

  // ------------------------------------------------------------------ execution

  private execScript(script: readonly AndOr[], io: Io = { stdin: undefined, fd1: TERM, fd2: TERM }, background = false): number {
    let status = this.frame.lastExit;
    for (const ao of script) {
      status = this.execAndOr(background ? { ...ao, background: true } : ao, io);
      this.frame.lastExit = status;
      this.checkSessions();
    }
    return status;
  }

  private execAndOr(ao: AndOr, io: Io): number {
    const bgBefore = this.jobs.length;
    const mark = this.out.length;
    let status = this.execPipeline(ao.first, io, ao.background);
    for (const { op, p } of ao.rest) {
      this.frame.lastExit = status;
      if ((op === '&&') === (status === 0)) status = this.execPipeline(p, io, ao.background);
    }
    if (ao.background && this.jobs.length === bgBefore && this.detached === 0) {
      // No background form (the command already ran to completion): bash still announces
      // the job, before its output, and reports it done before the next prompt.
      const after = this.out.slice(mark);
      this.out = this.out.slice(0, mark);
      const { job } = this.api.addJob({ cmdline: this.currentLine.replace(/\s*&\s*$/, ''), announce: true, stop: () => {} });
      this.out += after;
      this.api.endJob(job, 'Done');
      return 0;
    }
    return status;
  }

  private execPipeline(p: Pipeline, io: Io, background: boolean): number {
    let stdin = io.stdin;
    let status = 0;
    p.cmds.forEach((cmd, i) => {
      const last = i === p.cmds.length - 1;
      const pipe: Target = { kind: 'buf', text: '' };
      status = this.execSimple(cmd, { stdin, fd1: last ? io.fd1 : pipe, fd2: io.fd2 }, background);
      if (!last) stdin = pipe.kind === 'buf' ? pipe.text : '';
    });
    return p.bang ? (status === 0 ? 1 : 0) : status;
  }

  private execSimple(cmd: SimpleCmd, io0: Io, background: boolean): number {
    const words: string[] = [];
    for (const w of cmd.words) words.push(...this.expand(w));
    // Leading NAME=value words: shell variables (alone) or the command's environment (ignored).
    let k = 0;
    while (k < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k]!)) k++;
    const assigns = words.slice(0, k);
    const argv = words.slice(k);
    const io: Io = { ...io0 };
    const opened: Target[] = [];
    for (const r of cmd.redirs) {
      const e = this.redirect(r, io, opened);
      if (e !== undefined) {
        this.write(io.fd2, `bash: ${e}\n`);
        return 1;
      }
    }
    if (argv.length === 0) {
      for (const a of assigns) {
        const eq = a.indexOf('=');
        this.frame.vars.set(a.slice(0, eq), a.slice(eq + 1));
      }
      this.flushFiles(opened, io, 'bash');
      return 0;
    }
    const name = argv[0]!;
    const sys = this.sys(this.node);
    if (!sys.host.powered && !WHEN_OFF.has(name)) {
      this.write(io.fd2, `lab: ${this.node} is powered off (lab power on ${this.node})\n`);
      return 1;
    }
    const entry = findCommand(name);
    if (!entry) {
      this.write(io.fd2, `bash: ${shownName(name)}: command not found\n`);
      return 127;
    }
    const ctx = this.makeCtx(argv, io, sys, background);
    let status: number;
    try {
      status = entry.run(ctx);
    } catch (e) {
      this.write(io.fd2, `${name}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      status = 1;
    }
    const we = this.flushFiles(opened, io, BUILTINS.has(name) ? `bash: ${name}` : name);
    return we ?? status;
  }

  private makeCtx(argv: readonly string[], io: Io, sys: NodeSys, background: boolean): CmdCtx {
    return {
      argv,
      stdin: io.stdin,
      stdoutTty: io.fd1.kind === 'term',
      out: (t) => this.write(io.fd1, t),
      err: (t) => this.write(io.fd2, t),
      // A scenario's command has no terminal to echo ^C on.
      tty: (t) => {
        if (this.detached === 0) this.termWrite(t);
      },
      sys,
      sh: this.api,
      background,
      wait: (done, max) => this.waitFor(done, max),
    };
  }

  /** Apply one redirection to `io`; returns bash's error text (without `bash: `) on failure. */
  private redirect(r: Redir, io: Io, opened: Target[]): string | undefined {
    const sys = this.sys(this.node);
    if (r.heredoc) {
      const body = r.heredoc.body ?? '';
      io.stdin = r.heredoc.expand ? this.expandText(body) : body;
      return undefined;
    }
    const words = r.target ? this.expand(r.target) : [];
    if (words.length !== 1) return `${r.target ? words.join(' ') || '""' : ''}: ambiguous redirect`;
    const t = words[0]!;
    switch (r.op) {
      case '<<<':
        io.stdin = t + '\n';
        return undefined;
      case '<': {
        const path = resolvePath(this.frame.cwd, t);
        const rd = sys.read(path);
        if (!rd.ok) return `${t}: ${rd.err}`;
        io.stdin = rd.data;
        return undefined;
      }
      case '>&':
      case '<&':
        if (/^\d+$/.test(t)) {
          const src = t === '1' ? io.fd1 : t === '2' ? io.fd2 : undefined;
          if (!src) return `${t}: Bad file descriptor`;
          if (r.fd === 1) io.fd1 = src;
          else if (r.fd === 2) io.fd2 = src;
          return undefined;
        }
        if (t === '-') return undefined;
        // `>& file` is `&> file`.
        return this.redirectFile(r, t, io, opened);
      case '&>':
      case '&>>':
      case '>':
      case '>>':
        return this.redirectFile(r, t, io, opened);
      default:
        return undefined;
    }
  }

  private redirectFile(r: Redir, t: string, io: Io, opened: Target[]): string | undefined {
    const sys = this.sys(this.node);
    const append = r.op === '>>' || r.op === '&>>';
    const path = resolvePath(this.frame.cwd, t);
    let target: Target;
    if (path === '/dev/null') target = { kind: 'null' };
    else if (path === '/dev/stdout') target = io.fd1;
    else if (path === '/dev/stderr') target = io.fd2;
    else {
      if (sys.isDir(path)) return `${t}: Is a directory`;
      if (!path.startsWith('/proc/')) {
        // Open (and truncate) now, as bash does before the command runs.
        const w = sys.write(path, '', append);
        if (!w.ok) return `${t}: ${w.err}`;
      } else if (!sys.read(path).ok) {
        return `${t}: No such file or directory`;
      }
      target = { kind: 'file', path, text: '', append };
      opened.push(target);
    }
    const both = r.op === '&>' || r.op === '&>>' || r.op === '>&';
    if (both || r.fd === 1) io.fd1 = target;
    if (both || r.fd === 2) io.fd2 = target;
    return undefined;
  }

  /** Write redirected output to its files; a refused /proc/sys write is the writer's error. */
  private flushFiles(opened: Target[], io: Io, writer: string): number | undefined {
    let status: number | undefined;
    const sys = this.sys(this.node);
    for (const t of opened) {
      if (t.kind !== 'file') continue;
      if (t.path.startsWith('/proc/') && t.text === '') continue;
      const w = sys.write(t.path, t.text, t.append);
      if (!w.ok) {
        this.write(io.fd2 === t ? TERM : io.fd2, `${writer}: write error: ${w.err}\n`);
        status = 1;
      }
    }
    return status;
  }

  private write(t: Target, text: string): void {
    if (text === '') return;
    switch (t.kind) {
      case 'term':
        this.termWrite(text);
        return;
      case 'null':
        return;
      case 'buf':
      case 'file':
        if (t.text.length < (1 << 22)) t.text += text;
        return;
    }
  }

  private termWrite(text: string): void {
    if (this.inRun) this.out += text;
    else if (this.onAsyncOutput) this.onAsyncOutput(text);
    else if (this.asyncBuf.length < (1 << 20)) this.asyncBuf += text;
  }

  // ------------------------------------------------------------------ expansion

  private varValue(name: string): string {
    const f = this.frame;
    switch (name) {
      case '?':
        return String(f.lastExit);
      case '$':
        return String(f.pid);
      case '#':
        return '0';
      case '0':
        return '-bash';
      case 'HOME':
        return f.vars.get(name) ?? '/root';
      case 'USER':
      case 'LOGNAME':
        return f.vars.get(name) ?? 'root';
      case 'HOSTNAME':
        return f.vars.get(name) ?? this.sys(f.node).hostname;
      case 'PWD':
        return f.cwd;
      case 'SHELL':
        return '/bin/bash';
      case 'PATH':
        return f.vars.get(name) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
      default:
        return f.vars.get(name) ?? '';
    }
  }

  private cmdSubst(src: string): string {
    if (this.nesting >= MAX_NESTING) return '';
    const r = parse(src);
    if (r.kind !== 'ok') {
      if (r.kind === 'error') this.termWrite(`bash: command substitution: ${r.message}\n`);
      return '';
    }
    const buf: Target = { kind: 'buf', text: '' };
    this.nesting++;
    try {
      this.execScript(r.script, { stdin: undefined, fd1: buf, fd2: TERM });
    } finally {
      this.nesting--;
    }
    return buf.kind === 'buf' ? buf.text.replace(/\n+$/, '') : '';
  }

  /** Expand a word into fields (expand.ts), with this session's variables and $(...). */
  expand(w: Word): string[] {
    return expandWord(w, this.expander);
  }

  private expandText(body: string): string {
    return expandHeredoc(body, this.expander);
  }

  private readonly expander: Expander = { value: (n) => this.varValue(n), subst: (src) => this.cmdSubst(src) };

  // ------------------------------------------------------------------ time

  private waitFor(done: () => boolean, maxUs: number): WaitResult {
    if (done()) return 'done';
    if (this.detached > 0) return 'interrupt';
    const eng = this.lab.world.engine;
    const capEnd = eng.now + Math.max(0, Math.min(Number.isFinite(maxUs) ? maxUs : MAX_WAIT_US, MAX_WAIT_US));
    const byTimeout = this.deadline !== undefined && this.deadline <= capEnd;
    const end = byTimeout ? this.deadline! : capEnd;
    while (!done()) {
      const next = eng.nextAt();
      if (next === undefined || next > end) {
        if (end > eng.now) eng.runUntil(end);
        if (done()) return 'done';
        if (byTimeout) this.deadlineHit = true;
        return byTimeout ? 'timeout' : 'interrupt';
      }
      eng.step();
    }
    return 'done';
  }

  // ------------------------------------------------------------------ sessions

  /** A powered-off node drops the ssh sessions into it. */
  private checkSessions(): void {
    for (let i = 1; i < this.frames.length; i++) {
      const node = this.frames[i]!.node;
      if (!this.lab.host(node).powered) {
        const gone = this.frames.splice(i);
        for (const f of gone.reverse()) this.termWrite(`Connection to ${f.node} closed by remote host.\nConnection to ${f.node} closed.\n`);
        this.frame.lastExit = 255;
        return;
      }
    }
  }

  /** A line from a scenario event (`{type:'shell'}`): run on `node` without waiting; output goes to the trace. */
  private runDetached(node: string, line: string): void {
    if (!this.lab.nodes.get(node)?.host) return;
    this.detached++;
    const depth = this.frames.length;
    this.frames.push(this.newFrame(node));
    const captured: Target = { kind: 'buf', text: '' };
    try {
      const r = parse(line);
      if (r.kind === 'ok' && r.heredocs.length === 0) this.execScript(r.script, { stdin: undefined, fd1: captured, fd2: captured });
    } catch {
      // A scenario line that breaks must not break the simulation.
    } finally {
      this.frames.length = depth;
      this.detached--;
    }
    const tr = this.lab.world.trace;
    const text = captured.kind === 'buf' ? captured.text : '';
    if (tr.active) tr.emit({ type: 'ctl', t: this.lab.now, node, what: 'shell', text: `# ${line}${text ? '\n' + text.replace(/\n$/, '') : ''}` });
  }

  private makeApi(): ShellApi {
    const self = this; // eslint-disable-line @typescript-eslint/no-this-alias
    return {
      lab: this.lab,
      get depth() {
        return self.frames.length - 1;
      },
      get jobs() {
        return self.jobs;
      },
      runRemote: (node, line, ctx) => {
        if (this.nesting >= MAX_NESTING) return 1;
        const r = parse(line);
        if (r.kind === 'error') {
          ctx.err(`bash: -c: line 1: ${r.message}\n`);
          return 2;
        }
        if (r.kind === 'more' || r.heredocs.length > 0) {
          ctx.err(`bash: -c: line 1: unexpected EOF while looking for matching \`${r.kind === 'more' ? (r.quote ?? '') : ''}'\n`);
          return 2;
        }
        const depth = this.frames.length;
        this.frames.push({ ...this.newFrame(node), remote: true });
        this.nesting++;
        const fd1: Target = { kind: 'buf', text: '' };
        const fd2: Target = { kind: 'buf', text: '' };
        try {
          // stdout and stderr of the remote command come back over the ssh channel.
          // `ssh host cmd &`: the remote command runs in the background (its output still
          // reaches this terminal).
          const st = this.execScript(r.script, { stdin: ctx.stdin, fd1: ctx.stdoutTty ? TERM : fd1, fd2: TERM }, ctx.background);
          if (fd1.kind === 'buf') ctx.out(fd1.text);
          if (fd2.kind === 'buf') ctx.err(fd2.text);
          return st;
        } finally {
          this.nesting--;
          this.frames.length = depth;
        }
      },
      login: (node) => {
        // A scenario's line has no session to move (it runs as `ssh node line` would).
        if (this.detached === 0) this.frames.push(this.newFrame(node));
      },
      logout: (code) => {
        if (this.frames.length <= 1 || this.detached > 0 || this.frame.remote) return code;
        const f = this.frames.pop()!;
        this.termWrite(`logout\nConnection to ${f.node} closed.\n`);
        return code;
      },
      history: () => this.sys(this.node).history,
      clearHistory: () => {
        const h = this.sys(this.node).history;
        this.histBase.set(this.node, (this.histBase.get(this.node) ?? 0) + h.length);
        h.length = 0;
      },
      addJob: (spec) => {
        const id = this.jobs.reduce((m, j) => Math.max(m, j.id), 0) + 1;
        const job: Job = { id, pid: this.nextPid(), node: this.node, cmdline: spec.cmdline, announce: spec.announce, ended: undefined, stop: spec.stop };
        this.jobs.push(job);
        if (spec.announce) this.termWrite(`[${id}] ${job.pid}\n`);
        return { job, write: (t: string) => this.termWrite(t) };
      },
      endJob: (job, how) => {
        if (job.ended === undefined) job.ended = how;
      },
      getVar: (n) => this.varValue(n),
      setVar: (n, v) => {
        this.frame.vars.set(n, v);
      },
      nodeSys: (n) => (this.lab.nodes.get(n)?.host ? this.sys(n) : undefined),
      exec: (argv, ctx, deadlineUs) => {
        const name = argv[0];
        const entry = name !== undefined ? findCommand(name) : undefined;
        if (!entry || name === undefined) {
          if (name !== undefined) ctx.err(`${ctx.argv[0]}: failed to run command '${name}': No such file or directory\n`);
          return 127;
        }
        const savedDeadline = this.deadline;
        const savedHit = this.deadlineHit;
        if (deadlineUs !== undefined) this.deadline = Math.min(this.deadline ?? Infinity, this.lab.now + deadlineUs);
        this.deadlineHit = false;
        try {
          const st = entry.run({ ...ctx, argv });
          return this.deadlineHit ? 124 : st;
        } finally {
          this.deadline = savedDeadline;
          this.deadlineHit = savedHit;
        }
      },
      nextPid: () => this.nextPid(),
      cwd: () => this.frame.cwd,
      setCwd: (p: string) => {
        this.frame.cwd = p;
      },
      histBase: () => this.histBase.get(this.node) ?? 0,
    };
  }
}

export type { WaitResult };
