/**
 * A connection entry (struct ip_vs_conn, ipvs-datapath.md §4) and its flags.
 * Persistence templates are entries too, flagged TEMPLATE, with cport 0.
 */
import type { Dest, FwdMethod } from './dest';
import type { Service } from './service';
import type { Timer } from '../sim/engine';

export const IP_VS_CONN_F_MASQ = 0;
export const IP_VS_CONN_F_LOCALNODE = 1;
export const IP_VS_CONN_F_TUNNEL = 2;
export const IP_VS_CONN_F_DROUTE = 3;
export const IP_VS_CONN_F_BYPASS = 4;
export const IP_VS_CONN_F_FWD_MASK = 0x7;
export const IP_VS_CONN_F_SYNC = 0x20;
export const IP_VS_CONN_F_HASHED = 0x40;
export const IP_VS_CONN_F_NOOUTPUT = 0x80;
export const IP_VS_CONN_F_INACTIVE = 0x100;
export const IP_VS_CONN_F_TEMPLATE = 0x1000;
export const IP_VS_CONN_F_ONE_PACKET = 0x2000;

export function fwdFlag(m: FwdMethod): number {
  switch (m) {
    case 'masq':
      return IP_VS_CONN_F_MASQ;
    case 'local':
      return IP_VS_CONN_F_LOCALNODE;
    case 'tunnel':
      return IP_VS_CONN_F_TUNNEL;
    case 'route':
      return IP_VS_CONN_F_DROUTE;
    case 'bypass':
      return IP_VS_CONN_F_BYPASS;
  }
}

/** The other way, for a dest's forwarding as ipvsadm sends it (-m, -i, -g; LOCALNODE is the kernel's). */
export function fwdOfFlags(flags: number): FwdMethod {
  switch (flags & IP_VS_CONN_F_FWD_MASK) {
    case IP_VS_CONN_F_MASQ:
      return 'masq';
    case IP_VS_CONN_F_TUNNEL:
      return 'tunnel';
    case IP_VS_CONN_F_LOCALNODE:
      return 'local';
    default:
      return 'route';
  }
}

/** Protocol of an entry: fwmark templates use IPPROTO_IP, shown as "IP". */
export type ConnProto = 'tcp' | 'udp' | 'ip';

export class Conn {
  /** TCP: a TcpConnState; UDP: 0; templates: 0 = NONE. */
  state = 0;
  oldState = 0;
  /** Idle timeout in microseconds; the timer is restarted to it after every packet. */
  timeout = 3_000_000;
  /** When the entry expires unless another packet arrives. */
  expires = 0;
  timer: Timer | undefined;
  /** The persistence template controlling this entry. */
  control: Conn | null = null;
  /** Entries this one controls (templates). */
  nControl = 0;
  inPkts = 0;
  /** Template only: a controlled connection reached ESTABLISHED (shown as ASSURED). */
  assured = false;
  /** Unlinked from the table (expired or invalidated template). */
  dead = false;

  constructor(
    readonly proto: ConnProto,
    readonly caddr: number,
    readonly cport: number,
    public vaddr: number,
    public vport: number,
    readonly daddr: number,
    public dport: number,
    public flags: number,
    public dest: Dest | null,
    readonly svc: Service,
    readonly fwmark: number,
  ) {}

  get isTemplate(): boolean {
    return (this.flags & IP_VS_CONN_F_TEMPLATE) !== 0;
  }

  get fwd(): number {
    return this.flags & IP_VS_CONN_F_FWD_MASK;
  }

  get active(): boolean {
    return (this.flags & IP_VS_CONN_F_INACTIVE) === 0;
  }
}
