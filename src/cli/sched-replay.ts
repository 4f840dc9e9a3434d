/**
 * `sched-replay [--kernel 6.12|6.1] [--check] FILE...` — replays scheduler vectors
 * (shared/oracle/sched/FORMAT.md) through src/core/ipvs and prints every pick, or with
 * --check compares each with the kernel's `expect`.
 *
 * Exit status: 0 all good, 1 a mismatch (--check), 2 usage error or an unreadable/invalid file.
 */
import { readFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import * as v from 'valibot';
import type { Dest } from '../core/ipvs/dest';
import { parseKernelProfile, type KernelProfile } from '../core/ipvs/kernel';
import { defaultSysctl, type SchedContext } from '../core/ipvs/schedulers/scheduler';
import { SCHED_FLAG_BITS, Service } from '../core/ipvs/service';
import { ipStr, parseIp } from '../core/net/addr';
import { Engine, MS } from '../core/sim/engine';

export interface ReplayIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = 'usage: sched-replay [--kernel 6.12|6.1] [--check] FILE...';

function parseIpPort(s: string): { addr: number; port: number } | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+):(\d{1,5})$/.exec(s);
  const addr = m ? parseIp(m[1]!) : undefined;
  const port = m ? Number(m[2]) : NaN;
  return addr === undefined || port > 65535 ? undefined : { addr, port };
}

const Ip = v.pipe(v.string(), v.check((s) => parseIp(s) !== undefined, 'expected an IPv4 address'));
const IpPort = v.pipe(v.string(), v.check((s) => parseIpPort(s) !== undefined, 'expected "ip:port"'));
const Port = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));
const Count = v.pipe(v.number(), v.integer(), v.minValue(0));
const U32 = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff));
const DestSchema = v.object({ ip: Ip, port: Port, weight: Count });
const ListSchema = v.optional(v.array(IpPort));

const OpSchema = v.variant('op', [
  v.object({
    op: v.literal('schedule'),
    client: IpPort,
    daddr: v.optional(Ip),
    expect: v.optional(v.nullable(IpPort)),
    rand: v.optional(v.array(U32)),
  }),
  v.object({ op: v.literal('counts'), dest: IpPort, active: Count, inactive: Count }),
  v.object({ op: v.literal('weight'), dest: IpPort, weight: Count }),
  v.object({ op: v.literal('overload'), dest: IpPort, on: v.boolean() }),
  v.object({ op: v.literal('available'), dest: IpPort, on: v.boolean() }),
  v.object({ op: v.literal('add'), dest: DestSchema, list_after: ListSchema, from_trash: v.optional(v.boolean()) }),
  v.object({ op: v.literal('del'), dest: IpPort, list_after: ListSchema }),
  v.object({ op: v.literal('tick'), ms: Count }),
]);

const CaseSchema = v.object({
  name: v.string(),
  service: v.object({ proto: v.picklist(['tcp', 'udp']), vip: Ip, port: Port }),
  sysctl: v.optional(v.object({ lblc_expiration: v.optional(Count), lblcr_expiration: v.optional(Count) })),
  dests: v.array(DestSchema),
  list_after_setup: ListSchema,
  ops: v.array(OpSchema),
});

const VectorFileSchema = v.object({
  scheduler: v.pipe(v.string(), v.nonEmpty()),
  flags: v.optional(v.array(v.picklist(['sh-fallback', 'sh-port', 'mh-fallback', 'mh-port'])), []),
  hz: v.optional(v.number()),
  kernel: v.optional(v.string()),
  cases: v.array(CaseSchema),
});

type VectorFile = v.InferOutput<typeof VectorFileSchema>;
type VectorCase = VectorFile['cases'][number];
type Op = VectorCase['ops'][number];

/** A vector that cannot be replayed (unknown dest, refused add, …): exit status 2. */
class VectorError extends Error {}

interface FileResult {
  picks: number;
  ok: number;
  /** Failures other than a wrong pick: list order, trash, random draws. */
  other: number;
}

export function runSchedReplay(argv: string[], io: ReplayIo): number {
  let kernelOpt: KernelProfile | undefined;
  let check = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--check') check = true;
    else if (a === '--kernel' || a.startsWith('--kernel=')) {
      const val = a === '--kernel' ? argv[++i] : a.slice('--kernel='.length);
      kernelOpt = val === undefined ? undefined : parseKernelProfile(val);
      if (!kernelOpt) {
        io.err(`sched-replay: --kernel wants 6.12 or 6.1, got ${val ?? 'nothing'}`);
        io.err(USAGE);
        return 2;
      }
    } else if (a === '-h' || a === '--help') {
      io.out(USAGE);
      return 0;
    } else if (a.startsWith('-') && a !== '-') {
      io.err(`sched-replay: unknown option ${a}`);
      io.err(USAGE);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    io.err(USAGE);
    return 2;
  }

  const names = displayNames(files);
  let status = 0;
  let total = 0;
  let totalOk = 0;
  files.forEach((file, fi) => {
    const name = names[fi]!;
    const parsed = loadVectorFile(file);
    if (typeof parsed === 'string') {
      io.err(`sched-replay: ${name}: ${parsed}`);
      status = 2;
      return;
    }
    const kernel = kernelOpt ?? parseKernelProfile(parsed.kernel ?? '6.12') ?? '6.12';
    try {
      const r = replayFile(parsed, kernel, check, name, io);
      total += r.picks;
      totalOk += r.ok;
      if (check) {
        const failed = r.picks - r.ok + r.other;
        io.out(`${name}: ${r.ok}/${r.picks} ok${failed ? ` (${failed} FAILED)` : ''}`);
        if (failed && status === 0) status = 1;
      }
    } catch (e) {
      if (!(e instanceof VectorError)) throw e;
      io.err(`sched-replay: ${name}: ${e.message}`);
      status = 2;
    }
  });
  if (check && files.length > 1) io.out(`total: ${totalOk}/${total} ok`);
  return status;
}

/** Base names, or paths relative to cwd where two files share a base name. */
function displayNames(files: string[]): string[] {
  const base = files.map((f) => basename(f));
  return files.map((f, i) => (base.filter((b) => b === base[i]).length > 1 ? relative(process.cwd(), f) || f : base[i]!));
}

function loadVectorFile(file: string): VectorFile | string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return `invalid JSON: ${(e as Error).message}`;
  }
  const r = v.safeParse(VectorFileSchema, json);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const where = issue.path?.map((p) => String(p.key)).join('.') ?? '(root)';
  return `not a scheduler vector file: ${where}: ${issue.message}`;
}

function replayFile(file: VectorFile, kernel: KernelProfile, check: boolean, name: string, io: ReplayIo): FileResult {
  const res: FileResult = { picks: 0, ok: 0, other: 0 };
  const flags = file.flags.reduce((f, n) => f | (SCHED_FLAG_BITS[n] ?? 0), 0);
  for (const c of file.cases) replayCase(file.scheduler, flags, kernel, c, check, name, io, res);
  return res;
}

function replayCase(
  sched: string,
  flags: number,
  kernel: KernelProfile,
  c: VectorCase,
  check: boolean,
  file: string,
  io: ReplayIo,
  res: FileResult,
): void {
  const engine = new Engine();
  const rand: number[] = [];
  const ctx: SchedContext = {
    now: () => engine.now,
    after: (delay, fn) => engine.after(delay, fn),
    // The recorded outputs of get_random_u32_below replace the kernel's RNG (FORMAT.md §10).
    randomBelow: (ceil) => {
      const r = rand.shift();
      if (r === undefined) throw new RandomUnderrun();
      if (r >= ceil) throw new RandomOutOfRange(r, ceil);
      return r;
    },
    sysctl: {
      lblcExpiration: c.sysctl?.lblc_expiration ?? defaultSysctl().lblcExpiration,
      lblcrExpiration: c.sysctl?.lblcr_expiration ?? defaultSysctl().lblcrExpiration,
    },
  };
  const fail = (where: string, msg: string): void => {
    if (check) io.out(`MISMATCH ${file} case "${c.name}" ${where}: ${msg}`);
  };
  const vec = (e: unknown): never => {
    throw new VectorError(`case "${c.name}": ${e instanceof Error ? e.message : String(e)}`);
  };

  let svc: Service;
  try {
    svc = new Service({ proto: c.service.proto, vip: parseIp(c.service.vip)!, port: c.service.port, sched, flags }, { kernel, ctx });
    for (const d of c.dests) svc.addDest({ addr: parseIp(d.ip)!, port: d.port, weight: d.weight });
  } catch (e) {
    return vec(e);
  }
  const listOk = (want: string[] | undefined, where: string): void => {
    if (!check || !want) return;
    const got = svc.dests.map(fmt);
    if (got.join(' ') !== want.join(' ')) {
      res.other++;
      fail(where, `list is [${got.join(' ')}], expected [${want.join(' ')}]`);
    }
  };
  listOk(c.list_after_setup, 'after setup');

  c.ops.forEach((op: Op, i) => {
    const where = `op #${i} (${op.op})`;
    const dest = (s: string): Dest => {
      const { addr, port } = parseIpPort(s)!;
      return svc.findDest(addr, port) ?? vec(new Error(`${where}: no dest ${s} in the service`));
    };
    switch (op.op) {
      case 'schedule': {
        const client = parseIpPort(op.client)!;
        rand.length = 0;
        if (op.rand) rand.push(...op.rand);
        let got: Dest | null = null;
        let randProblem = '';
        try {
          got = svc.schedule({
            saddr: client.addr,
            sport: client.port,
            daddr: op.daddr === undefined ? svc.vip : parseIp(op.daddr)!,
            dport: svc.port,
            proto: svc.proto,
          });
          if (rand.length > 0) randProblem = `${rand.length} recorded random value(s) left unused`;
        } catch (e) {
          if (!(e instanceof RandomUnderrun || e instanceof RandomOutOfRange)) throw e;
          randProblem = e.message;
        }
        const text = randProblem ? '?' : got ? fmt(got) : '-';
        res.picks++;
        if (!check) {
          io.out(text);
          break;
        }
        if (op.expect === undefined) vec(new Error(`${where}: no "expect" to check against`));
        const want = op.expect ?? '-';
        if (text === want) res.ok++;
        else fail(`${where} client ${op.client}`, `expected ${want}, got ${text}${randProblem ? ` (${randProblem})` : ''}`);
        break;
      }
      case 'counts':
        dest(op.dest).setCounts(op.active, op.inactive);
        break;
      case 'weight': {
        // ip_vs_edit_dest with the same forwarding method and u = l = 0 (FORMAT.md §4).
        const d = dest(op.dest);
        svc.editDest({ addr: d.addr, port: d.port, weight: op.weight, fwd: d.fwd });
        break;
      }
      case 'overload':
        dest(op.dest).overload = op.on;
        break;
      case 'available':
        dest(op.dest).available = op.on;
        break;
      case 'add': {
        const addr = parseIp(op.dest.ip)!;
        const inTrash = svc.trash.dests.some((d) => d.addr === addr && d.port === op.dest.port);
        try {
          svc.addDest({ addr, port: op.dest.port, weight: op.dest.weight });
        } catch (e) {
          vec(new Error(`${where}: ${(e as Error).message}`));
        }
        if (check && op.from_trash && !inTrash) {
          res.other++;
          fail(where, `${op.dest.ip}:${op.dest.port} was expected back from the trash`);
        }
        listOk(op.list_after, where);
        break;
      }
      case 'del': {
        const d = dest(op.dest);
        svc.delDest(d.addr, d.port);
        listOk(op.list_after, where);
        break;
      }
      case 'tick':
        engine.runFor(op.ms * MS);
        break;
    }
  });
  svc.destroy();
  svc.trash.dispose();
}

function fmt(d: Dest): string {
  return `${ipStr(d.addr)}:${d.port}`;
}

class RandomUnderrun extends Error {
  constructor() {
    super('the scheduler drew more random values than the kernel did');
  }
}

class RandomOutOfRange extends Error {
  constructor(r: number, ceil: number) {
    super(`recorded random value ${r} is outside [0, ${ceil}): the total weight differs from the kernel's`);
  }
}
