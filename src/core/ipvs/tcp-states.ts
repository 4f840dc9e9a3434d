/**
 * IPVS's own TCP state machine (ip_vs_proto_tcp.c), not the host TCP stack: the director
 * only sees packets go by and classifies each as rst > syn > fin > ack. Tables copied
 * cell by cell from ipvs-datapath.md §5 (identical in 6.1.176 and 6.12.117).
 */

export const S = {
  NONE: 0,
  ESTABLISHED: 1,
  SYN_SENT: 2,
  SYN_RECV: 3,
  FIN_WAIT: 4,
  TIME_WAIT: 5,
  CLOSE: 6,
  CLOSE_WAIT: 7,
  LAST_ACK: 8,
  LISTEN: 9,
  SYNACK: 10,
} as const;

export type TcpConnState = (typeof S)[keyof typeof S];

/** Names as `ipvsadm -Lnc` prints them (tcp_state_name_table). */
export const TCP_STATE_NAMES = ['NONE', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'SYNACK'] as const;

/** ESTABLISHED, SYN_SENT, SYN_RECV and SYNACK count as ActiveConn in both kernels. */
export function isActiveState(s: number): boolean {
  return s === S.ESTABLISHED || s === S.SYN_SENT || s === S.SYN_RECV || s === S.SYNACK;
}

/** Default timeouts in seconds (tcp_timeouts). */
export const DEFAULT_TCP_TIMEOUTS: readonly number[] = [2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120];
export const DEFAULT_UDP_TIMEOUT = 300;

export const DIR_INPUT = 0;
export const DIR_OUTPUT = 1;
export const DIR_INPUT_ONLY = 2;

/** Packet classes, row order of the tables. */
export const PKT_SYN = 0;
export const PKT_FIN = 1;
export const PKT_ACK = 2;
export const PKT_RST = 3;

const CODES: Record<string, number> = { NO: 0, ES: 1, SS: 2, SR: 3, FW: 4, TW: 5, CL: 6, CW: 7, LA: 8, LI: 9, SA: 10 };

function rows(text: string): number[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map((c) => CODES[c]!));
}

// Columns: NO ES SS SR FW TW CL CW LA LI SA. Rows: syn fin ack rst.
const NORMAL: number[][][] = [
  rows(`
    SR ES ES SR SR SR SR SR SR SR SR
    CL CW SS TW TW TW CL CW LA LI TW
    ES ES SS ES FW TW CL CW CL LI ES
    CL CL CL SR CL CL CL CL LA LI SR`),
  rows(`
    SS ES SS SR SS SS SS SS SS LI SR
    TW FW SS TW FW TW CL TW LA LI TW
    ES ES SS ES FW TW CL CW LA ES ES
    CL CL SS CL CL TW CL CL CL CL CL`),
  rows(`
    SR ES ES SR SR SR SR SR SR SR SR
    CL FW SS TW FW TW CL CW LA LI TW
    ES ES SS ES FW TW CL CW CL LI ES
    CL CL CL SR CL CL CL CL LA LI CL`),
];

/** The secure_tcp table: the normal one with the cells §5 lists changed. */
const SECURE: number[][][] = NORMAL.map((dir) => dir.map((row) => [...row]));
function set(dir: number, pkt: number, col: string, to: string): void {
  SECURE[dir]![pkt]![CODES[col]!] = CODES[to]!;
}
set(DIR_INPUT, PKT_SYN, 'SA', 'SA');
set(DIR_INPUT, PKT_FIN, 'SA', 'SA');
set(DIR_INPUT, PKT_ACK, 'SR', 'SR');
set(DIR_INPUT, PKT_ACK, 'SA', 'SA');
set(DIR_INPUT, PKT_RST, 'SA', 'CL');
set(DIR_OUTPUT, PKT_SYN, 'SR', 'SA');
set(DIR_OUTPUT, PKT_SYN, 'SA', 'SA');
for (const col of ['NO', 'FW', 'TW', 'CL', 'CW', 'LA', 'LI', 'SA']) set(DIR_INPUT_ONLY, PKT_SYN, col, 'SA');

/** The next state for a packet class seen in a direction (tcp_state_table lookup). */
export function nextTcpState(secure: boolean, dir: number, pkt: number, state: number): number {
  return (secure ? SECURE : NORMAL)[dir]![pkt]![state]!;
}

/** tcp_state_idx: RST beats SYN beats FIN beats ACK; none of them → -1 (the entry goes to CLOSE). */
export function tcpPacketClass(flags: number): number {
  if (flags & 0x04) return PKT_RST;
  if (flags & 0x02) return PKT_SYN;
  if (flags & 0x01) return PKT_FIN;
  if (flags & 0x10) return PKT_ACK;
  return -1;
}
