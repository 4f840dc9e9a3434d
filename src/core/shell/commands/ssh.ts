/**
 * `ssh NODE` opens a root shell on another node of the lab; `ssh NODE CMD...` runs one
 * command there, as OpenSSH does.
 *
 * Simplified: the session does not travel over the simulated network (it stands for the
 * lab's management network, so an ssh does not show up in tcpdump or IPVS); keys are
 * trusted, only root logs in, and no motd is printed. A powered-off node does not answer.
 */
import type { CmdCtx } from '../context';

const OPTS_WITH_ARG = new Set('BbcDEeFIiJLlmOopQRSWw'.split(''));

export function ssh(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1);
  let dest: string | undefined;
  let user = 'root';
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const flag = a[1]!;
    if (OPTS_WITH_ARG.has(flag)) {
      const v = a.length > 2 ? a.slice(2) : args[++i];
      if (v === undefined) {
        ctx.err(`option requires an argument -- ${flag}\n` + USAGE);
        return 255;
      }
      if (flag === 'l') user = v;
    } else if (!/^-[46AaCfGgKkMNnqsTtVvXxYy]+$/.test(a)) {
      ctx.err(`unknown option -- ${a.slice(1).replace(/[46AaCfGgKkMNnqsTtVvXxYy]/g, '').slice(0, 1)}\n` + USAGE);
      return 255;
    }
  }
  dest = args[i];
  if (dest === undefined) {
    ctx.err(USAGE);
    return 255;
  }
  const cmd = args.slice(i + 1).join(' ');
  const at = dest.lastIndexOf('@');
  if (at >= 0) {
    user = dest.slice(0, at);
    dest = dest.slice(at + 1);
  }
  const target = findNode(ctx, dest);
  if (target === undefined) {
    ctx.err(`ssh: Could not resolve hostname ${dest.toLowerCase()}: Name or service not known\n`);
    return 255;
  }
  const sys = ctx.sh.nodeSys(target);
  if (!sys || !sys.host.powered) {
    ctx.err(`ssh: connect to host ${dest} port 22: No route to host\n`);
    return 255;
  }
  if (user !== 'root') {
    ctx.err(`${user}@${dest}: Permission denied (publickey).\n`);
    return 255;
  }
  if (cmd.trim() !== '') return ctx.sh.runRemote(target, cmd, ctx);
  ctx.sh.login(target);
  return 0;
}

/** A node by name (as /etc/hosts lists them) or by one of its addresses. */
function findNode(ctx: CmdCtx, dest: string): string | undefined {
  const lab = ctx.sh.lab;
  if (lab.nodes.get(dest)?.host) return dest;
  const a = ctx.sys.resolve(dest);
  if (a === undefined) return undefined;
  // The owner of the address on an Ethernet port answers ARP for it (a VIP on lo does not).
  let fallback: string | undefined;
  for (const n of lab.nodes.values()) {
    if (!n.host) continue;
    for (const d of n.host.ifaces) {
      if (!d.hasAddr(a)) continue;
      if (d.kind === 'ether') return n.name;
      fallback ??= n.name;
    }
  }
  return fallback;
}

const USAGE =
  'usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface]\n' +
  '           [-b bind_address] [-c cipher_spec] [-D [bind_address:]port]\n' +
  '           [-E log_file] [-e escape_char] [-F configfile] [-I pkcs11]\n' +
  '           [-i identity_file] [-J [user@]host[:port]] [-L address]\n' +
  '           [-l login_name] [-m mac_spec] [-O ctl_cmd] [-o option] [-p port]\n' +
  '           [-Q query_option] [-R address] [-S ctl_path] [-W host:port]\n' +
  '           [-w local_tun[:remote_tun]] destination [command [argument ...]]\n';
