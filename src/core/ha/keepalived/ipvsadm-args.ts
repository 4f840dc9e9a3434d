/**
 * keepalived's virtual and real servers in ipvsadm's words: the command the lab's keepalived
 * logs for each IPVS change it makes (virtual-server.ts), and the rules an imported
 * keepalived.conf becomes (export/import-keepalived.ts).
 */
import { ipStr } from '../../net/addr';
import { TUN_CSUM, TUN_TYPES, type Forwarding, type VirtualServerConf } from './conf-lvs';

/** `-t|-u|--sctp-service VIP:PORT`, or `-f MARK`. */
export function svcArgs(vs: Pick<VirtualServerConf, 'fwmark' | 'proto' | 'vip' | 'port'>): string[] {
  if (vs.fwmark) return ['-f', String(vs.fwmark)];
  return [vs.proto === 'tcp' ? '-t' : vs.proto === 'udp' ? '-u' : '--sctp-service', `${ipStr(vs.vip)}:${vs.port}`];
}

/** `-m`, `-g`, or `-i` with the tunnel's encapsulation. */
export function fwdArgs(f: Forwarding): string[] {
  if (f.method === 'NAT') return ['-m'];
  if (f.method === 'DR') return ['-g'];
  const out = ['-i'];
  if (f.tunType) out.push('--tun-type', TUN_TYPES[f.tunType]!);
  if (f.tunPort) out.push('--tun-port', String(f.tunPort));
  if (f.tunFlags) out.push(`--tun-${TUN_CSUM[f.tunFlags]!}`);
  return out;
}
