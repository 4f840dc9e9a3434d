/** The `lab` namespace (typed, logged commands), modules, and the small text and file tools. */
import { describe, expect, it } from 'vitest';
import { presetShell } from '../fixtures';
import { Lab } from '../../../../src/core/lab';
import { PRESETS } from '../../../../src/core/scenario/presets';
import { Shell } from '../../../../src/core/shell/shell';

describe('lab commands go through lab.apply', () => {
  it('time, advance, power, link, loss, service, slow, traffic: logged in order', () => {
    const sh = presetShell('dr');
    expect(sh.run('lab time')).toEqual({ output: '0.000000 s\n', exit: 0 });
    expect(sh.run('lab advance 1.5s')).toEqual({ output: '1.500000 s\n', exit: 0 });
    expect(sh.run('lab advance 250ms').output).toBe('1.750000 s\n');
    for (const line of ['lab power off rs3', 'lab link down rs2:eth0', 'lab loss rs1:eth0 5', 'lab service hang rs1', 'lab slow rs1 4', 'lab traffic start --rate 200/s', 'lab traffic stop', 'lab power on rs3']) {
      expect(sh.run(line), line).toEqual({ output: '', exit: 0 });
    }
    expect(sh.lab.log.map((e) => [e.t, e.cmd])).toEqual([
      [1_750_000, { type: 'power', node: 'rs3', on: false }],
      [1_750_000, { type: 'link', node: 'rs2', iface: 'eth0', up: false }],
      [1_750_000, { type: 'loss', node: 'rs1', iface: 'eth0', pct: 5 }],
      [1_750_000, { type: 'service', node: 'rs1', state: 'hung' }],
      [1_750_000, { type: 'slow', node: 'rs1', factor: 4 }],
      [1_750_000, { type: 'traffic', running: true, rate: 200 }],
      [1_750_000, { type: 'traffic', running: false }],
      [1_750_000, { type: 'power', node: 'rs3', on: true }],
    ]);
    expect(sh.lab.traffic!.config.rate).toBe(200);
  });

  it('refused commands change nothing and say why', () => {
    const sh = presetShell('dr');
    expect(sh.run('lab power off nosuch')).toEqual({ output: 'lab: no node named nosuch\n', exit: 1 });
    expect(sh.run('lab link down rs1:eth7')).toEqual({ output: 'lab: rs1 has no interface eth7\n', exit: 1 });
    expect(sh.run('lab service stop director')).toEqual({ output: 'lab: director runs no web service\n', exit: 1 });
    expect(sh.run('lab loss rs1:eth0 150').exit).toBe(2);
    expect(sh.run('lab advance forever').exit).toBe(2);
    expect(sh.run('lab frob').exit).toBe(2);
    expect(sh.lab.log).toEqual([]);
  });

  it('traffic counters and nodes', () => {
    const sh = presetShell('dr');
    sh.run('lab traffic start --rate 50/s');
    sh.run('lab advance 2s');
    expect(sh.run('lab traffic').output).toMatch(/^traffic running at 50\/s: \d+ requests, \d+ ok, 0 failed\n {2}rs1 +\d+\n {2}rs2 +\d+\n {2}rs3 +\d+\n$/);
    expect(sh.run('lab nodes').output).toContain('rs1        rs       on  nginx running\n');
  });
});

describe('modules', () => {
  it('modprobe ip_vs loads IPVS on a node that had none; ipvsadm does it by itself', () => {
    const sh = presetShell('dr', 'rs1');
    expect(sh.lab.nodes.get('rs1')!.ipvs).toBeUndefined();
    expect(sh.run('cat /proc/net/ip_vs')).toEqual({ output: 'cat: /proc/net/ip_vs: No such file or directory\n', exit: 1 });
    expect(sh.run('ipvsadm -Ln')).toEqual({
      output: 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n',
      exit: 0,
    });
    expect(sh.lab.nodes.get('rs1')!.ipvs).toBeDefined();
    expect(sh.run('lsmod').output).toContain('\nip_vs                 233472  0\n');
    expect(sh.run('modprobe -r ipip')).toEqual({ output: '', exit: 0 });
  });

  it('ip_vs_twos exists on 6.12 only: on 6.1 modprobe fails like any missing module, as ipvsadm -s twos does', () => {
    const on = (kernel: '6.1' | '6.12') => {
      const s = PRESETS.dr!();
      return new Shell(Lab.of({ ...s, kernel, traffic: s.traffic ? { ...s.traffic, running: false } : undefined }), { node: 'rs1' });
    };
    const old = on('6.1');
    const rel = old.run('uname -r').output.trimEnd();
    expect(rel).toBe('6.1.0-44-amd64');
    expect(old.run('modprobe ip_vs_twos')).toEqual({ output: `modprobe: FATAL: Module ip_vs_twos not found in directory /lib/modules/${rel}\n`, exit: 1 });
    expect(old.run('modprobe -q ip_vs_twos')).toEqual({ output: '', exit: 1 });
    expect(old.run('modprobe -r ip_vs_twos')).toEqual({ output: 'modprobe: FATAL: Module ip_vs_twos not found.\n', exit: 1 });
    // Nothing was loaded: no IPVS on rs1.
    expect(old.lab.nodes.get('rs1')!.ipvs).toBeUndefined();
    expect(old.run('modprobe ip_vs_mh')).toEqual({ output: '', exit: 0 });
    expect(old.run('ipvsadm -A -t 10.0.0.1:80 -s twos').exit).not.toBe(0);
    const cur = on('6.12');
    expect(cur.run('modprobe ip_vs_twos')).toEqual({ output: '', exit: 0 });
    expect(cur.run('ipvsadm -A -t 10.0.0.1:80 -s twos')).toEqual({ output: '', exit: 0 });
  });

  it('ipvsadm -R from a pipe, ipvsadm-save, /proc/net/ip_vs_stats', () => {
    const sh = presetShell('dr', 'director');
    expect(sh.run('echo "-A -t 10.0.0.1:80 -s wlc" | ipvsadm -R')).toEqual({ output: '', exit: 0 });
    expect(sh.run('ipvsadm-save -n').output).toContain('-A -t 10.0.0.1:80 -s wlc\n');
    expect(sh.run('ipvsadm-save -n | ipvsadm-restore')).toEqual({ output: '', exit: 0 });
    expect(sh.run('cat /proc/net/ip_vs_stats').output).toMatch(/^   Total Incoming Outgoing         Incoming         Outgoing\n/);
  });
});

describe('text and file tools', () => {
  it('grep, head, tail, wc, sort, uniq, cat -n', () => {
    const sh = presetShell('dr');
    sh.run("printf 'b\\na\\nb\\nc\\n' > /tmp/l");
    expect(sh.run('grep -c b /tmp/l').output).toBe('2\n');
    expect(sh.run('grep -v b /tmp/l').output).toBe('a\nc\n');
    expect(sh.run('grep -n "^[ab]$" /tmp/l').output).toBe('1:b\n2:a\n3:b\n');
    expect(sh.run('grep -E "a|c" /tmp/l').output).toBe('a\nc\n');
    expect(sh.run('grep zzz /tmp/l').exit).toBe(1);
    expect(sh.run('grep x /nope')).toEqual({ output: 'grep: /nope: No such file or directory\n', exit: 2 });
    expect(sh.run('head -n 2 /tmp/l').output).toBe('b\na\n');
    expect(sh.run('tail -1 /tmp/l').output).toBe('c\n');
    expect(sh.run('sort /tmp/l | uniq -c').output).toBe('      1 a\n      2 b\n      1 c\n');
    expect(sh.run('wc -l /tmp/l').output).toBe('4 /tmp/l\n');
    expect(sh.run('cat -n /tmp/l | head -1').output).toBe('     1\tb\n');
  });

  it('ls, mkdir, rm, cd and the prompt', () => {
    const sh = presetShell('dr');
    expect(sh.run('mkdir /root/lvs').exit).toBe(0);
    expect(sh.run('cd lvs').exit).toBe(0);
    expect(sh.prompt).toBe('[root@director lvs]# ');
    expect(sh.run('pwd').output).toBe('/root/lvs\n');
    sh.run('touch a b');
    expect(sh.run('ls').output).toBe('a  b\n');
    expect(sh.run('ls | cat').output).toBe('a\nb\n');
    expect(sh.run('rm a; ls').output).toBe('b\n');
    expect(sh.run('cd /nope')).toEqual({ output: 'bash: cd: /nope: No such file or directory\n', exit: 1 });
    expect(sh.run('ls /proc/sys/net/ipv4/conf').output).toBe('all  default  eth0  lo\n');
    expect(sh.run('cd; pwd').output).toBe('/root\n');
  });

  it('uname, date, echo -e, printf, which, type', () => {
    const sh = presetShell('dr');
    expect(sh.run('uname -r').output).toBe('6.12.117+deb12-amd64\n');
    expect(sh.run('uname -a').output).toMatch(/^Linux director 6\.12\.117\+deb12-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6\.12\.117-1~bpo12\+1 \(2026-10-12\) x86_64 GNU\/Linux\n$/);
    expect(sh.run('date').output).toBe('Thu Nov 26 00:00:00 UTC 2026\n');
    expect(sh.run('echo -e "a\\tb"').output).toBe('a\tb\n');
    expect(sh.run('echo -n x').output).toBe('x');
    expect(sh.run('printf "%s=%d\\n" a 1 b 2').output).toBe('a=1\nb=2\n');
    expect(sh.run('which ip curl').output).toBe('/usr/sbin/ip\n/usr/bin/curl\n');
    expect(sh.run('type cd').output).toBe('cd is a shell builtin\n');
  });
});
