/**
 * The sysctls of one host, by their full dotted names (`net.ipv4.conf.eth0.arp_ignore`),
 * so the shell's `sysctl` and `/proc/sys/...` read and write the same store.
 *
 * Linux semantics kept here: a new interface copies `conf.default`; for arp_ignore,
 * arp_announce and rp_filter the value in force is max(conf.all, conf.IFACE);
 * `net.ipv4.ip_forward` is `conf.all.forwarding` and writing it sets every interface.
 */

/** Defaults of a new network namespace (linux-tools.md §5). */
const CONF_DEFAULTS: Record<string, number> = {
  arp_ignore: 0,
  arp_announce: 0,
  rp_filter: 0,
  forwarding: 0,
  accept_local: 0,
  arp_accept: 0,
  arp_filter: 0,
  send_redirects: 1,
  accept_redirects: 1,
  proxy_arp: 0,
};

const GLOBAL_DEFAULTS: Record<string, number> = {
  'net.ipv4.ip_forward': 0,
  'net.ipv4.ip_default_ttl': 64,
  'net.ipv4.tcp_syn_retries': 6,
  'net.ipv4.tcp_synack_retries': 5,
  'net.ipv4.tcp_fin_timeout': 60,
  'net.ipv4.tcp_timestamps': 1,
  'net.ipv4.tcp_sack': 1,
  'net.ipv4.tcp_window_scaling': 1,
  'net.ipv4.icmp_ratelimit': 1000,
  'net.ipv4.neigh.default.base_reachable_time_ms': 30000,
  'net.ipv4.neigh.default.delay_first_probe_time': 5,
  'net.ipv4.neigh.default.retrans_time_ms': 1000,
  'net.ipv4.neigh.default.mcast_solicit': 3,
  'net.ipv4.neigh.default.ucast_solicit': 3,
  'net.ipv4.neigh.default.locktime': 100,
};

export type SysctlWriteError = 'no-such-key' | 'invalid';

export class Sysctl {
  private values = new Map<string, number>();
  /** Bumped on every write, so readers on the packet path can cache values. */
  version = 0;
  /** Extra keys registered by subsystems (IPVS registers net.ipv4.vs.*). */
  private validators = new Map<string, (v: number) => boolean>();
  /** Effective per-interface values, rebuilt after any write: read on every packet. */
  private effective = new Map<string, { arp_ignore: number; arp_announce: number; rp_filter: number; forwarding: number; accept_local: number }>();

  constructor() {
    for (const [k, v] of Object.entries(GLOBAL_DEFAULTS)) this.values.set(k, v);
    // proc_dou8vec_minmax: tcp_timestamps 0..2 (2: timestamps without the random offset).
    this.validators.set('net.ipv4.tcp_timestamps', (v) => v >= 0 && v <= 2);
    for (const k of ['net.ipv4.tcp_sack', 'net.ipv4.tcp_window_scaling']) this.validators.set(k, (v) => v >= 0 && v <= 255);
    for (const scope of ['all', 'default']) this.addConf(scope);
  }

  /** Called when an interface appears; copies conf.default as Linux does. */
  addConf(ifname: string): void {
    this.effective.clear();
    for (const key of Object.keys(CONF_DEFAULTS)) {
      const def = ifname === 'all' || ifname === 'default' ? CONF_DEFAULTS[key]! : this.get(`net.ipv4.conf.default.${key}`)!;
      const name = `net.ipv4.conf.${ifname}.${key}`;
      if (!this.values.has(name)) this.values.set(name, key === 'forwarding' ? this.get('net.ipv4.ip_forward')! : def);
    }
  }

  removeConf(ifname: string): void {
    this.effective.clear();
    for (const key of Object.keys(CONF_DEFAULTS)) this.values.delete(`net.ipv4.conf.${ifname}.${key}`);
  }

  register(name: string, value: number, valid: (v: number) => boolean = () => true): void {
    if (!this.values.has(name)) this.values.set(name, value);
    this.validators.set(name, valid);
    this.effective.clear();
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  get(name: string): number | undefined {
    return this.values.get(name);
  }

  /** All keys, sorted as `sysctl -a` prints them. */
  keys(): string[] {
    return [...this.values.keys()].sort();
  }

  set(name: string, value: number): SysctlWriteError | undefined {
    if (!this.values.has(name)) return 'no-such-key';
    if (!Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1) return 'invalid';
    const valid = this.validators.get(name);
    if (valid && !valid(value)) return 'invalid';
    this.values.set(name, value);
    this.effective.clear();
    this.version++;
    if (name === 'net.ipv4.ip_forward' || name === 'net.ipv4.conf.all.forwarding') {
      // devinet_forward: writing all.forwarding (= ip_forward) propagates to every interface.
      const v = value ? 1 : 0;
      this.values.set('net.ipv4.ip_forward', v);
      for (const k of this.values.keys()) if (/^net\.ipv4\.conf\.[^.]+\.forwarding$/.test(k)) this.values.set(k, v);
    }
    return undefined;
  }

  /** The value in force for arp_ignore / arp_announce / rp_filter on an interface: max(all, iface). */
  confMax(ifname: string, key: 'arp_ignore' | 'arp_announce' | 'rp_filter'): number {
    return this.eff(ifname)[key];
  }

  conf(ifname: string, key: 'forwarding' | 'accept_local'): number {
    return this.eff(ifname)[key];
  }

  private eff(ifname: string) {
    let e = this.effective.get(ifname);
    if (!e) {
      const v = (k: string) => this.values.get(`net.ipv4.conf.${ifname}.${k}`) ?? 0;
      const max = (k: string) => Math.max(this.values.get(`net.ipv4.conf.all.${k}`) ?? 0, v(k));
      e = { arp_ignore: max('arp_ignore'), arp_announce: max('arp_announce'), rp_filter: max('rp_filter'), forwarding: v('forwarding'), accept_local: v('accept_local') };
      this.effective.set(ifname, e);
    }
    return e;
  }
}
