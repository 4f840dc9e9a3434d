/**
 * Real-server set-up scripts: exactly the commands each forwarding method needs, from the
 * directors' tables and the server's own addresses — no more, no less.
 */
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { PRESETS } from '../../../src/core/scenario/presets';
import { exportRsSetup } from '../../../src/core/export/rs-setup';
import { twoDirectorDr, kitchenSinkLab } from './labs';

/** The commands of a script: its lines that are not comments or blank, after the shebang. */
const commands = (text: string) => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));

const DR = (vip: string) => [
  'set -e',
  'sysctl -w net.ipv4.conf.all.arp_ignore=1',
  'sysctl -w net.ipv4.conf.all.arp_announce=2',
  'sysctl -w net.ipv4.conf.lo.arp_ignore=1',
  'sysctl -w net.ipv4.conf.lo.arp_announce=2',
  `ip addr replace ${vip}/32 dev lo label lo:0`,
];

const TUN = (vip: string) => [
  'set -e',
  'modprobe ipip',
  'ip link set tunl0 up',
  'sysctl -w net.ipv4.conf.all.arp_ignore=1',
  'sysctl -w net.ipv4.conf.all.arp_announce=2',
  'sysctl -w net.ipv4.conf.all.rp_filter=0',
  'sysctl -w net.ipv4.conf.tunl0.rp_filter=0',
  `ip addr replace ${vip}/32 dev tunl0`,
];

describe('export rs-setup', () => {
  it('dr: rs1 script, exactly', () => {
    const files = exportRsSetup(Lab.of(PRESETS.dr!()));
    expect(files.map((f) => [f.node, f.name])).toEqual([
      ['rs1', 'rs1-setup.sh'],
      ['rs2', 'rs2-setup.sh'],
      ['rs3', 'rs3-setup.sh'],
    ]);
    expect(files[0]!.text).toBe(
      [
        '#!/bin/sh',
        '# rs1 (192.168.10.11): real server of',
        '#   director TCP 192.168.10.100:80 -> 192.168.10.11:80 (LVS-DR)',
        '# Exported by LVS Lab. Run as root on the real server.',
        'set -e',
        '',
        '# LVS-DR: the VIP on lo, never announced or answered for in ARP',
        'sysctl -w net.ipv4.conf.all.arp_ignore=1',
        'sysctl -w net.ipv4.conf.all.arp_announce=2',
        'sysctl -w net.ipv4.conf.lo.arp_ignore=1',
        'sysctl -w net.ipv4.conf.lo.arp_announce=2',
        'ip addr replace 192.168.10.100/32 dev lo label lo:0',
        '',
      ].join('\n'),
    );
  });

  it('dr: every real server gets the VIP on lo:0 and the ARP sysctls, nothing else', () => {
    for (const f of exportRsSetup(Lab.of(PRESETS.dr!()))) expect(commands(f.text)).toEqual(DR('192.168.10.100'));
  });

  it('tun: ipip loaded, tunl0 up, VIP on tunl0, rp_filter off on all and tunl0, ARP sysctls', () => {
    const files = exportRsSetup(Lab.of(PRESETS.tun!()));
    expect(files.map((f) => f.node)).toEqual(['rs1', 'rs2', 'rs3']);
    for (const f of files) expect(commands(f.text)).toEqual(TUN('192.168.10.100'));
  });

  it('nat: only the default route via the director\'s inside address (DIP)', () => {
    const files = exportRsSetup(Lab.of(PRESETS.nat!()));
    expect(files.map((f) => f.node)).toEqual(['rs1', 'rs2', 'rs3']);
    for (const f of files) expect(commands(f.text)).toEqual(['set -e', 'ip route replace default via 192.168.10.1']);
  });

  it('dr-ha: the same DR set-up, whichever director is MASTER', () => {
    const files = exportRsSetup(Lab.of(PRESETS['dr-ha']!()));
    expect(files.map((f) => f.node)).toEqual(['rs1', 'rs2', 'rs3']);
    for (const f of files) expect(commands(f.text)).toEqual(DR('192.168.10.100'));
  });

  it('nat-ha: the default route via the floating gateway VRRP moves between the directors', () => {
    const files = exportRsSetup(Lab.of(PRESETS['nat-ha']!()));
    expect(files.map((f) => f.node)).toEqual(['rs1', 'rs2', 'rs3']);
    for (const f of files) expect(commands(f.text)).toEqual(['set -e', 'ip route replace default via 192.168.10.1']);
  });

  it('two directors: one script per real server, commands not repeated', () => {
    const files = exportRsSetup(Lab.of(twoDirectorDr()));
    expect(files.map((f) => f.node)).toEqual(['rs1', 'rs2', 'rs3']);
    expect(files[0]!.text).toContain('#   director1 TCP 192.168.10.100:80');
    expect(files[0]!.text).toContain('#   director2 TCP 192.168.10.100:80');
    for (const f of files) expect(commands(f.text)).toEqual(DR('192.168.10.100'));
  });

  it('mixed methods: each method\'s set-up once, shared sysctls once, NAT via the director on the segment', () => {
    const files = exportRsSetup(kitchenSinkLab());
    const byNode = Object.fromEntries(files.map((f) => [f.node, commands(f.text)]));
    // rs1: DR (80, 443, fwmark 7) and NAT (UDP 53 → 5353).
    expect(byNode.rs1).toEqual([...DR('192.168.10.100'), 'ip route replace default via 192.168.10.2']);
    expect(files[0]!.text).toContain('# (so do the replies of this server\'s DR/TUN services');
    // rs2: DR only (80, 443, port 0).
    expect(byNode.rs2).toEqual(DR('192.168.10.100'));
    // rs3: TUN (GUE on 80) and DR (fwmark 7, VIP from the mark rule): the ARP sysctls once.
    expect(byNode.rs3).toEqual([
      ...DR('192.168.10.100'),
      'modprobe ipip',
      'ip link set tunl0 up',
      'sysctl -w net.ipv4.conf.all.rp_filter=0',
      'sysctl -w net.ipv4.conf.tunl0.rp_filter=0',
      'ip addr replace 192.168.10.100/32 dev tunl0',
    ]);
  });

  it('a node that is no dest gets no script; two VIPs go to lo:0 and lo:1', () => {
    const s = PRESETS.dr!();
    const d = s.nodes.find((n) => n.name === 'director')!;
    d.ipvs = {
      services: [
        { proto: 'tcp', vip: '192.168.10.100', port: 80, sched: 'rr', dests: [{ ip: '192.168.10.11', fwd: 'route' }] },
        { proto: 'tcp', vip: '192.168.10.101', port: 80, sched: 'rr', dests: [{ ip: '192.168.10.11', fwd: 'route' }] },
      ],
    };
    const files = exportRsSetup(Lab.of(s));
    expect(files.map((f) => f.node)).toEqual(['rs1']);
    expect(commands(files[0]!.text).slice(-2)).toEqual(['ip addr replace 192.168.10.100/32 dev lo label lo:0', 'ip addr replace 192.168.10.101/32 dev lo label lo:1']);
  });
});
