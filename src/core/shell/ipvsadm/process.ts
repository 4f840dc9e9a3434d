/**
 * One ipvsadm process: its stdout/stderr, its stdin (read line by line by -R), the kernel
 * it talks to, and exit() — ipvsadm exits from deep inside its parser, even in mid -R, so
 * fail() throws an Exit that the entry point catches with the output printed so far.
 */
import { ConfigStream } from './config-stream';
import type { IpvsCtl } from './ctl';
import { Exit } from './errors';

/** The kernel as ipvsadm reaches it: IpvsCtl over the lab's Ipvs (tests may stand in). */
export type Kernel = Pick<
  IpvsCtl,
  | 'flush'
  | 'addService'
  | 'editService'
  | 'delService'
  | 'zero'
  | 'addDest'
  | 'editDest'
  | 'delDest'
  | 'setConfig'
  | 'getConfig'
  | 'startDaemon'
  | 'stopDaemon'
  | 'getDaemons'
  | 'getServices'
  | 'getService'
> & {
  /** The text of /proc/net/ip_vs_conn, which `-c` reads (undefined: the file is missing). */
  connProc(): string | undefined;
  ifaceMtu(name: string): number | undefined;
};

/** One process: its output streams, its stdin, and the kernel it talks to. */
export class Proc {
  out = '';
  err = '';
  private readonly stdin: ConfigStream;

  constructor(
    readonly ctl: Kernel,
    stdin: string,
  ) {
    this.stdin = new ConfigStream(stdin);
  }

  /** fail(): message and newline on stderr, then exit. */
  fail(status: number, msg: string): never {
    this.err += msg + '\n';
    throw new Exit(status);
  }

  tryhelpExit(program: string, status: number): never {
    this.err += `Try \`${program} -h' or '${program} --help' for more information.\n`;
    throw new Exit(status);
  }

  /** config_stream_read over this process's stdin. */
  readConfigLine(first: string): string[] | null {
    return this.stdin.readLine(first);
  }
}
