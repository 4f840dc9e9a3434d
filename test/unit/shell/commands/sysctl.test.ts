/** sysctl and /proc/sys against linux-tools.md §5. */
import { describe, expect, it } from 'vitest';
import { referenceShell, presetShell } from '../fixtures';

describe('sysctl: reference outputs (linux-tools.md §5)', () => {
  it('reads, writes, -n, and the three error messages', () => {
    const sh = referenceShell('rs1');
    const cases: [string, string, number][] = [
      ['sysctl net.ipv4.conf.all.arp_ignore', 'net.ipv4.conf.all.arp_ignore = 1\n', 0],
      ['sysctl -w net.ipv4.conf.lo.arp_ignore=1', 'net.ipv4.conf.lo.arp_ignore = 1\n', 0],
      ['sysctl -n net.ipv4.conf.all.arp_ignore', '1\n', 0],
      ['sysctl -w net.ipv4.conf.all.arp_ignor=1', 'sysctl: cannot stat /proc/sys/net/ipv4/conf/all/arp_ignor: No such file or directory\n', 1],
      ['sysctl -w net.ipv4.conf.all.arp_ignore=abc', 'sysctl: setting key "net.ipv4.conf.all.arp_ignore": Invalid argument\n', 1],
      ['sysctl -w net.ipv4.conf.all.arp_ignore', 'sysctl: command line(0): invalid syntax, continuing...\n', 1],
      ['sysctl -q -w net.ipv4.conf.all.arp_announce=2', '', 0],
      ['cat /proc/sys/net/ipv4/ip_forward', '0\n', 0],
    ];
    for (const [line, output, exit] of cases) expect(sh.run(line), line).toEqual({ output, exit });
  });

  it('a refused write changes nothing', () => {
    const sh = referenceShell('rs1');
    sh.run('sysctl -w net.ipv4.conf.all.arp_ignore=abc');
    sh.run('sysctl -w net.ipv4.conf.all.arp_ignore=99999999999999');
    expect(sh.lab.host('rs1').sysctl.get('net.ipv4.conf.all.arp_ignore')).toBe(1);
  });
});

describe('sysctl and /proc/sys', () => {
  it('echo N > /proc/sys/... writes the same store sysctl reads', () => {
    const sh = presetShell('dr', 'director');
    expect(sh.run('echo 1 > /proc/sys/net/ipv4/ip_forward')).toEqual({ output: '', exit: 0 });
    expect(sh.run('sysctl net.ipv4.ip_forward').output).toBe('net.ipv4.ip_forward = 1\n');
    expect(sh.lab.host('director').sysctl.conf('eth0', 'forwarding')).toBe(1);
    expect(sh.run('echo abc > /proc/sys/net/ipv4/ip_forward')).toEqual({ output: 'bash: echo: write error: Invalid argument\n', exit: 1 });
    expect(sh.run('echo 1 > /proc/sys/net/ipv4/nope')).toEqual({ output: 'bash: /proc/sys/net/ipv4/nope: No such file or directory\n', exit: 1 });
    expect(sh.run('cat /proc/sys/net/ipv4')).toEqual({ output: 'cat: /proc/sys/net/ipv4: Is a directory\n', exit: 1 });
  });

  it('-a lists everything sorted; a directory lists what is under it', () => {
    const sh = presetShell('dr', 'rs1');
    const all = sh.run('sysctl -a').output.trimEnd().split('\n');
    expect(all.length).toBeGreaterThan(20);
    expect([...all].sort()).toEqual(all);
    expect(sh.run('sysctl net.ipv4.conf.lo | grep arp_').output).toBe(
      'net.ipv4.conf.lo.arp_accept = 0\nnet.ipv4.conf.lo.arp_announce = 2\nnet.ipv4.conf.lo.arp_filter = 0\nnet.ipv4.conf.lo.arp_ignore = 1\n',
    );
  });

  it('-p loads a file, slashes work as dots, key=value works without -w', () => {
    const sh = presetShell('dr', 'rs2');
    sh.run('printf "net.ipv4.conf.eth0.arp_ignore = 1\\n# comment\\nnet.ipv4.conf.eth0.arp_announce=2\\n" > /etc/sysctl.d/90-lvs.conf');
    expect(sh.run('sysctl -p /etc/sysctl.d/90-lvs.conf').output).toBe('net.ipv4.conf.eth0.arp_ignore = 1\nnet.ipv4.conf.eth0.arp_announce = 2\n');
    expect(sh.run('sysctl net/ipv4/conf/eth0/arp_ignore').output).toBe('net.ipv4.conf.eth0.arp_ignore = 1\n');
    expect(sh.run('sysctl net.ipv4.conf.eth0.rp_filter=2').output).toBe('net.ipv4.conf.eth0.rp_filter = 2\n');
    expect(sh.run('sysctl -p /nope')).toEqual({ output: 'sysctl: cannot open "/nope": No such file or directory\n', exit: 1 });
    expect(sh.run('sysctl')).toEqual({ output: "sysctl: no variables specified\nTry `sysctl --help' for more information.\n", exit: 1 });
    expect(sh.run('sysctl -Z').exit).toBe(1);
  });

  it('IPVS sysctls appear with ip_vs', () => {
    const sh = presetShell('dr', 'director');
    expect(sh.run('sysctl -n net.ipv4.vs.conn_reuse_mode')).toEqual({ output: '1\n', exit: 0 });
    expect(sh.run('cat /proc/sys/net/ipv4/vs/expire_nodest_conn').output).toBe('0\n');
  });
});
