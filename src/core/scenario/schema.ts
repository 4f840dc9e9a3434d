/**
 * The scenario format: one validated JSON document for any lab — nodes, interfaces,
 * links, addresses, routes, sysctls, web servers, IPVS services, traffic and timed events.
 * Documented in docs/scenario.md. Validation is valibot, so errors carry a JSON path.
 */
import * as v from 'valibot';
import { parseCidr, parseIp } from '../net/addr';

export const SCENARIO_VERSION = 1;

const name = v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'a name of letters, digits, - or _ (max 32)'));
const ifname = v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9_.-]{0,14}$/, 'an interface name of at most 15 characters'));
const ipv4 = v.pipe(v.string(), v.check((s) => parseIp(s) !== undefined, 'an IPv4 address such as 192.168.10.11'));
const cidr = v.pipe(v.string(), v.check((s) => parseCidr(s) !== undefined, 'an address with prefix such as 192.168.10.11/24'));
const mac = v.pipe(v.string(), v.regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, 'a MAC such as 52:54:00:00:0a:11'));
const port = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));
/** "30s", "250ms", "2m", or a number of microseconds. */
export const duration = v.union([
  v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10 * 86400 * 1e6)),
  v.pipe(v.string(), v.regex(/^\d+(\.\d+)?(us|ms|s|m|h)$/, 'a duration such as 30s, 250ms or 2m')),
]);

const AddrSchema = v.union([
  cidr,
  v.object({ addr: cidr, label: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,14}$/))) }),
]);

const IfaceSchema = v.object({
  name: ifname,
  mac: v.optional(mac),
  mtu: v.optional(v.pipe(v.number(), v.integer(), v.minValue(68), v.maxValue(65536))),
  addrs: v.optional(v.array(AddrSchema), []),
  up: v.optional(v.boolean(), true),
});

const RouteSchema = v.object({
  dst: v.union([v.literal('default'), cidr]),
  via: v.optional(ipv4),
  dev: v.optional(ifname),
  src: v.optional(ipv4),
  metric: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

const ServiceTimeSchema = v.object({
  dist: v.optional(v.picklist(['const', 'exp', 'uniform']), 'exp'),
  meanMs: v.pipe(v.number(), v.minValue(0), v.maxValue(3_600_000)),
});

const WebSchema = v.object({
  port: v.optional(port, 80),
  workers: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)), 8),
  serviceTime: v.optional(ServiceTimeSchema, { dist: 'exp', meanMs: 20 }),
  body: v.optional(v.pipe(v.string(), v.maxLength(200))),
  running: v.optional(v.boolean(), true),
});

const DestSchema = v.object({
  ip: ipv4,
  port: v.optional(port),
  weight: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2147483647)), 1),
  fwd: v.optional(v.picklist(['masq', 'route', 'tunnel']), 'route'),
  upper: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  lower: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

const ServiceSchema = v.object({
  proto: v.optional(v.picklist(['tcp', 'udp']), 'tcp'),
  vip: v.optional(ipv4),
  port: v.optional(port),
  fwmark: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(0xffffffff))),
  sched: v.optional(v.string(), 'wlc'),
  flags: v.optional(v.array(v.picklist(['sh-fallback', 'sh-port', 'mh-fallback', 'mh-port'])), []),
  persistent: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2678400))),
  netmask: v.optional(ipv4),
  ops: v.optional(v.boolean()),
  dests: v.optional(v.array(DestSchema), []),
});

const NodeSchema = v.object({
  name,
  kind: v.picklist(['client', 'router', 'switch', 'director', 'rs', 'host']),
  ifaces: v.optional(v.array(IfaceSchema), []),
  routes: v.optional(v.array(RouteSchema), []),
  sysctl: v.optional(v.record(v.pipe(v.string(), v.regex(/^net\.[a-z0-9_.-]+$/)), v.number()), {}),
  modules: v.optional(v.array(v.picklist(['ipip'])), []),
  web: v.optional(WebSchema),
  ipvs: v.optional(v.object({ services: v.optional(v.array(ServiceSchema), []) })),
  /** Firewall marks, as `iptables -t mangle -A PREROUTING [-d NET] [-p tcp -m multiport --dports P,..] -j MARK --set-mark N`. */
  fwmarks: v.optional(
    v.array(
      v.object({
        dst: v.optional(cidr),
        proto: v.optional(v.picklist(['tcp', 'udp'])),
        ports: v.optional(v.array(port)),
        mark: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(0xffffffff)),
      }),
    ),
    [],
  ),
  /** Position hint for the canvas (0..1 of the stage). */
  pos: v.optional(v.object({ x: v.number(), y: v.number() })),
  /** /etc/keepalived/keepalived.conf: keepalived runs with it from boot (src/core/ha). */
  keepalived: v.optional(v.pipe(v.string(), v.maxLength(65536))),
  /** /etc/ha.d/ldirectord.cf: ldirectord runs with it from boot (src/core/ha). */
  ldirectord: v.optional(v.pipe(v.string(), v.maxLength(65536))),
});

const LinkSchema = v.object({
  a: v.pipe(v.string(), v.regex(/^[^:]+:[^:]+$/, 'NODE:IFACE')),
  b: v.pipe(v.string(), v.regex(/^[^:]+:[^:]+$/, 'NODE:IFACE')),
  latency: v.optional(duration),
  bandwidthMbps: v.optional(v.pipe(v.number(), v.minValue(0.001), v.maxValue(400_000))),
  lossPct: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100))),
});

const TrafficSchema = v.object({
  clients: v.array(name),
  target: v.pipe(v.string(), v.regex(/^\d+\.\d+\.\d+\.\d+:\d+$/, 'IP:PORT')),
  /** New sessions (or connections, in open mode) per second. */
  rate: v.pipe(v.number(), v.minValue(0), v.maxValue(1_000_000)),
  mode: v.optional(v.picklist(['session', 'open']), 'session'),
  requestsPerSession: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)), 3),
  thinkMs: v.optional(v.pipe(v.number(), v.minValue(0)), 1000),
  timeoutMs: v.optional(v.pipe(v.number(), v.minValue(1)), 10_000),
  running: v.optional(v.boolean(), true),
});

export const CommandSchema = v.variant('type', [
  v.object({ type: v.literal('power'), node: name, on: v.boolean() }),
  v.object({ type: v.literal('link'), node: name, iface: ifname, up: v.boolean() }),
  v.object({ type: v.literal('service'), node: name, state: v.picklist(['running', 'stopped', 'hung']) }),
  v.object({ type: v.literal('slow'), node: name, factor: v.pipe(v.number(), v.minValue(0.01), v.maxValue(1000)) }),
  v.object({ type: v.literal('loss'), node: name, iface: ifname, pct: v.pipe(v.number(), v.minValue(0), v.maxValue(100)) }),
  v.object({ type: v.literal('traffic'), running: v.optional(v.boolean()), rate: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1_000_000))) }),
  v.object({ type: v.literal('shell'), node: name, line: v.pipe(v.string(), v.maxLength(4096)) }),
  /** keepalived / ldirectord: start, stop (graceful), restart, reload, or kill (SIGKILL: no goodbye). */
  v.object({
    type: v.literal('daemon'),
    node: name,
    daemon: v.picklist(['keepalived', 'ldirectord']),
    action: v.picklist(['start', 'stop', 'restart', 'reload', 'kill']),
    config: v.optional(v.pipe(v.string(), v.maxLength(65536))),
  }),
]);

/**
 * Failures drawn at random: each listed node fails after an exponential time with mean
 * `mtbf` and is repaired after an exponential time with mean `mttr` (seeded, one stream per
 * node), so its configured availability is MTBF / (MTBF + MTTR).
 */
const FailureSpecSchema = v.object({
  nodes: v.pipe(v.array(name), v.minLength(1)),
  mtbf: duration,
  mttr: duration,
  /** What fails: the power, the web service (stopped), or the node's first cable. */
  kind: v.optional(v.picklist(['power', 'service', 'link']), 'power'),
  /** No failure before this time (let the lab settle). */
  after: v.optional(duration, 0),
});

const EventSchema = v.object({ at: duration, cmd: CommandSchema });

export const ScenarioSchema = v.object({
  version: v.optional(v.literal(SCENARIO_VERSION), SCENARIO_VERSION),
  name: v.optional(v.pipe(v.string(), v.maxLength(80)), 'lab'),
  seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff)), 1),
  kernel: v.optional(v.picklist(['6.12', '6.1']), '6.12'),
  nodes: v.pipe(v.array(NodeSchema), v.minLength(1), v.maxLength(200)),
  links: v.optional(v.pipe(v.array(LinkSchema), v.maxLength(1000)), []),
  traffic: v.optional(TrafficSchema),
  events: v.optional(v.pipe(v.array(EventSchema), v.maxLength(10_000)), []),
  failures: v.optional(v.array(FailureSpecSchema), []),
});

export type Scenario = v.InferOutput<typeof ScenarioSchema>;
export type ScenarioInput = v.InferInput<typeof ScenarioSchema>;
export type NodeSpec = Scenario['nodes'][number];
export type ServiceSpec = NonNullable<NodeSpec['ipvs']>['services'][number];
export type LabCommand = v.InferOutput<typeof CommandSchema>;
export type FailureSpec = v.InferOutput<typeof FailureSpecSchema>;

export type ValidationResult = { ok: true; scenario: Scenario } | { ok: false; errors: { path: string; message: string }[] };

/** Validate structure (schema) and references (links name existing nodes and interfaces). */
export function validateScenario(input: unknown): ValidationResult {
  const r = v.safeParse(ScenarioSchema, input);
  if (!r.success) {
    return {
      ok: false,
      errors: r.issues.map((i) => ({ path: pathOf(i.path), message: i.message })),
    };
  }
  const s = r.output;
  const errors: { path: string; message: string }[] = [];
  const names = new Set<string>();
  s.nodes.forEach((n, i) => {
    if (names.has(n.name)) errors.push({ path: `$.nodes[${i}].name`, message: `duplicate node name "${n.name}"` });
    names.add(n.name);
    const ifn = new Set<string>();
    n.ifaces.forEach((f, j) => {
      if (ifn.has(f.name) || f.name === 'lo' && n.kind === 'switch') errors.push({ path: `$.nodes[${i}].ifaces[${j}].name`, message: `duplicate interface "${f.name}"` });
      ifn.add(f.name);
    });
  });
  const ifaceExists = (ref: string) => {
    const [node, dev] = ref.split(':');
    const n = s.nodes.find((x) => x.name === node);
    if (!n) return `no node "${node}"`;
    if (n.kind === 'switch') return undefined;
    if (!n.ifaces.some((f) => f.name === dev)) return `node "${node}" has no interface "${dev}"`;
    return undefined;
  };
  const used = new Set<string>();
  s.links.forEach((l, i) => {
    for (const end of ['a', 'b'] as const) {
      const e = ifaceExists(l[end]);
      if (e) errors.push({ path: `$.links[${i}].${end}`, message: e });
      if (used.has(l[end])) errors.push({ path: `$.links[${i}].${end}`, message: `${l[end]} is already linked` });
      used.add(l[end]);
    }
  });
  s.traffic?.clients.forEach((c, i) => {
    if (!names.has(c)) errors.push({ path: `$.traffic.clients[${i}]`, message: `no node "${c}"` });
  });
  s.failures.forEach((f, i) =>
    f.nodes.forEach((n, j) => {
      if (!names.has(n)) errors.push({ path: `$.failures[${i}].nodes[${j}]`, message: `no node "${n}"` });
    }),
  );
  s.events.forEach((e, i) => {
    if ('node' in e.cmd && !names.has(e.cmd.node)) errors.push({ path: `$.events[${i}].cmd.node`, message: `no node "${e.cmd.node}"` });
  });
  s.nodes.forEach((n, i) =>
    n.ipvs?.services.forEach((svc, j) => {
      if (svc.fwmark === undefined && (svc.vip === undefined || svc.port === undefined)) {
        errors.push({ path: `$.nodes[${i}].ipvs.services[${j}]`, message: 'a service needs vip and port, or fwmark' });
      }
    }),
  );
  return errors.length ? { ok: false, errors } : { ok: true, scenario: s };
}

function pathOf(path: v.IssuePathItem[] | undefined): string {
  let out = '$';
  for (const p of path ?? []) out += typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`;
  return out;
}

/** "30s" → 30_000_000 µs. */
export function parseDuration(d: number | string): number {
  if (typeof d === 'number') return d;
  const m = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(d);
  if (!m) throw new Error(`bad duration ${d}`);
  const mult = { us: 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6 }[m[2] as 'us' | 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * mult);
}
