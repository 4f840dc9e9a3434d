/**
 * How ipvsadm words a failure: libipvs's ipvs_strerror (a message per libipvs call and
 * errno, then generic ones) falling back to glibc's strerror; and fail()/exit() as
 * exceptions, since ipvsadm exits from deep inside its parser (even mid `-R`).
 */

export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const ENOMEM = 12;
export const EEXIST = 17;
export const ENODEV = 19;
export const EINVAL = 22;
export const ERANGE = 34;
export const EMSGSIZE = 90;
export const ENOPROTOOPT = 92;
export const EOPNOTSUPP = 95;
export const EAFNOSUPPORT = 97;

/** glibc's strerror for the errnos the kernel's IPVS control code returns. */
const STRERROR: Record<number, string> = {
  [EPERM]: 'Operation not permitted',
  [ENOENT]: 'No such file or directory',
  [ESRCH]: 'No such process',
  [ENOMEM]: 'Cannot allocate memory',
  [EEXIST]: 'File exists',
  [ENODEV]: 'No such device',
  [EINVAL]: 'Invalid argument',
  [ERANGE]: 'Numerical result out of range',
  [EMSGSIZE]: 'Message too long',
  [ENOPROTOOPT]: 'Protocol not available',
  [EOPNOTSUPP]: 'Operation not supported',
  [EAFNOSUPPORT]: 'Address family not supported by protocol',
};

export function strerror(errno: number): string {
  return STRERROR[errno] ?? `Unknown error ${errno}`;
}

/** The libipvs entry point that failed (ipvs_func), which selects the message. */
export type IpvsFunc =
  | 'add_service'
  | 'update_service'
  | 'del_service'
  | 'zero_service'
  | 'add_dest'
  | 'update_dest'
  | 'del_dest'
  | 'set_timeout'
  | 'start_daemon'
  | 'stop_daemon'
  | 'flush'
  | 'get_services'
  | 'get_dests'
  | 'get_service';

const TABLE: readonly [IpvsFunc | null, number, string][] = [
  ['add_service', EEXIST, 'Service already exists'],
  ['add_service', ENOENT, 'Scheduler or persistence engine not found'],
  ['update_service', ESRCH, 'No such service'],
  ['update_service', ENOENT, 'Scheduler or persistence engine not found'],
  ['del_service', ESRCH, 'No such service'],
  ['zero_service', ESRCH, 'No such service'],
  ['add_dest', ESRCH, 'Service not defined'],
  ['add_dest', EEXIST, 'Destination already exists'],
  ['update_dest', ESRCH, 'Service not defined'],
  ['update_dest', ENOENT, 'No such destination'],
  ['del_dest', ESRCH, 'Service not defined'],
  ['del_dest', ENOENT, 'No such destination'],
  ['start_daemon', EEXIST, 'Daemon has already run'],
  ['stop_daemon', ESRCH, 'No daemon is running'],
  ['get_services', ESRCH, 'No such service'],
  ['get_dests', ESRCH, 'No such service'],
  ['get_service', ESRCH, 'No such service'],
  [null, EPERM, 'Permission denied (you must be root)'],
  [null, EINVAL, 'Invalid operation.  Possibly wrong module version, address not unicast, ...'],
  [null, ENOPROTOOPT, 'Protocol not available'],
  [null, ENOMEM, 'Memory allocation problem'],
  [null, EOPNOTSUPP, 'Operation not supported with IPv6'],
  [null, EAFNOSUPPORT, 'Operation not supported with specified address family'],
  [null, EMSGSIZE, 'Module is wrong version'],
];

export function ipvsStrerror(func: IpvsFunc, errno: number): string {
  for (const [f, e, msg] of TABLE) if ((f === null || f === func) && e === errno) return msg;
  return strerror(errno);
}

/** exit(status): unwinds to the entry point, keeping what was already printed. */
export class Exit {
  constructor(readonly status: number) {}
}
