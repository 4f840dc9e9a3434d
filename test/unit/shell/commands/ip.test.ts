/**
 * `ip` against linux-tools.md §4, byte for byte on the reference topology, plus the error
 * messages and exit statuses iproute2 6.1.0 gives.
 */
import { describe, expect, it } from 'vitest';
import { referenceShell, presetShell } from '../fixtures';
import { linkLocal, ipv6Str } from '../../../../src/core/shell/commands/ip-addr';
import { ip as ipOf } from '../../../../src/core/net/addr';

describe('ip: reference outputs (rs1 and the director of linux-tools.md §4)', () => {
  it('ip addr show on rs1', () => {
    const sh = referenceShell('rs1');
    expect(sh.run('ip addr show')).toEqual({
      exit: 0,
      output:
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n' +
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n' +
        '    inet 127.0.0.1/8 scope host lo\n' +
        '       valid_lft forever preferred_lft forever\n' +
        '    inet 192.168.10.100/32 scope global lo:0\n' +
        '       valid_lft forever preferred_lft forever\n' +
        '    inet6 ::1/128 scope host \n' +
        '       valid_lft forever preferred_lft forever\n' +
        '2: eth0@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n' +
        '    link/ether 52:54:00:00:0a:11 brd ff:ff:ff:ff:ff:ff link-netns tc-sw\n' +
        '    inet 192.168.10.11/24 scope global eth0\n' +
        '       valid_lft forever preferred_lft forever\n' +
        '    inet6 fe80::5054:ff:fe00:a11/64 scope link \n' +
        '       valid_lft forever preferred_lft forever\n',
    });
  });

  it('ip link show on rs1', () => {
    expect(referenceShell('rs1').run('ip link show').output).toBe(
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n' +
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n' +
        '2: eth0@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n' +
        '    link/ether 52:54:00:00:0a:11 brd ff:ff:ff:ff:ff:ff link-netns tc-sw\n',
    );
  });

  it('ip route show on rs1 (every line ends in a space)', () => {
    expect(referenceShell('rs1').run('ip route show').output).toBe(
      'default via 192.168.10.1 dev eth0 \n' + '192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.11 \n' + '198.51.100.7 via 192.168.10.1 dev eth0 \n',
    );
  });

  it('ip -s link show eth0 sizes the columns as print_stats64 does', () => {
    const sh = referenceShell('rs1');
    const dev = sh.lab.host('rs1').iface('eth0')!;
    Object.assign(dev, { rxBytes: 485567, rxPackets: 5879, txBytes: 659998, txPackets: 5662, rxDropped: 0, txDropped: 0 });
    expect(sh.run('ip -s link show eth0').output).toBe(
      '2: eth0@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n' +
        '    link/ether 52:54:00:00:0a:11 brd ff:ff:ff:ff:ff:ff link-netns tc-sw\n' +
        '    RX:  bytes packets errors dropped  missed   mcast           \n' +
        '        485567    5879      0       0       0       0 \n' +
        '    TX:  bytes packets errors dropped carrier collsns           \n' +
        '        659998    5662      0       0       0       0 \n',
    );
  });

  it('ip neigh show: states, lladdr, trailing spaces', () => {
    const sh = referenceShell('rs1');
    const h = sh.lab.host('rs1');
    const eth0 = h.iface('eth0')!;
    h.neigh.addPermanent(eth0, ipOf('192.168.10.99'), '00:00:00:00:00:00');
    h.neigh.addPermanent(eth0, ipOf('192.168.10.1'), '52:54:00:00:0a:01');
    h.neigh.addPermanent(eth0, ipOf('192.168.10.12'), '52:54:00:00:0a:12');
    h.neigh.addPermanent(eth0, ipOf('192.168.10.2'), '52:54:00:00:0a:02');
    const states = ['FAILED', 'REACHABLE', 'DELAY', 'STALE'] as const;
    h.neigh.entries().forEach((n, i) => {
      n.state = states[i]!;
      n.confirmed = sh.lab.now;
      if (n.state === 'FAILED') n.mac = undefined;
    });
    expect(sh.run('ip neigh show').output).toBe(
      '192.168.10.99 dev eth0 FAILED \n' +
        '192.168.10.1 dev eth0 lladdr 52:54:00:00:0a:01 REACHABLE \n' +
        '192.168.10.12 dev eth0 lladdr 52:54:00:00:0a:12 DELAY \n' +
        '192.168.10.2 dev eth0 lladdr 52:54:00:00:0a:02 STALE \n',
    );
    // With a device filter, iproute2 leaves out "dev X".
    expect(sh.run('ip neigh show dev eth0').output.split('\n')[1]).toBe('192.168.10.1 lladdr 52:54:00:00:0a:01 REACHABLE ');
  });

  it('ip tunnel show is empty without ipip, lists tunl0 once it is loaded', () => {
    const sh = referenceShell('rs1');
    expect(sh.run('ip tunnel show')).toEqual({ output: '', exit: 0 });
    expect(sh.run('modprobe ipip').exit).toBe(0);
    expect(sh.run('ip tunnel show').output).toBe('tunl0: ip/ip remote any local any ttl inherit nopmtudisc\n');
  });

  it('ip -4 addr show dev eth0 on the director moves link-netns up and drops link/ether', () => {
    expect(referenceShell('director').run('ip -4 addr show dev eth0').output).toBe(
      '2: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000 link-netns tc-sw\n' +
        '    inet 192.168.10.2/24 scope global eth0\n' +
        '       valid_lft forever preferred_lft forever\n' +
        '    inet 192.168.10.100/32 scope global eth0:0\n' +
        '       valid_lft forever preferred_lft forever\n',
    );
  });

  it('errors: messages and exit statuses', () => {
    const sh = referenceShell('rs1');
    const cases: [string, string, number][] = [
      ['ip addr add 192.168.10.11/24 dev eth0', 'Error: ipv4: Address already assigned.\n', 2],
      ['ip addr add 10.0.0.1/24 dev eth9', 'Cannot find device "eth9"\n', 1],
      ['ip addr add 192.168.10.300/24 dev eth0', 'Error: any valid prefix is expected rather than "192.168.10.300/24".\n', 1],
      ['ip addr del 10.9.9.9/24 dev eth0', 'Error: ipv4: Address not found.\n', 2],
      ['ip route add 192.168.10.0/24 dev eth0', 'RTNETLINK answers: File exists\n', 2],
      ['ip foo', 'Object "foo" is unknown, try "ip help".\n', 1],
      ['ip addr foo', 'Command "foo" is unknown, try "ip address help".\n', 255],
      ['ip addr show dev eth9', 'Device "eth9" does not exist.\n', 1],
      ['ip route add default via 192.168.10.1', 'RTNETLINK answers: File exists\n', 2],
      ['ip route del 10.1.0.0/16', 'RTNETLINK answers: No such process\n', 2],
      ['ip route add 10.1.0.0/16 via 172.16.0.1', 'Error: Nexthop has invalid gateway.\n', 2],
      ['ip addr add 1.2.3.4/32 dev lo label eth0:1', '"label" (eth0:1) must match "dev" (lo) or be prefixed by "dev" with a colon.\n', 1],
      ['ip addr add 1.2.3.4/32', 'Not enough information: "dev" argument is required.\n', 255],
      ['ip link set eth0 mtu 20', 'Error: mtu less than device minimum.\n', 2],
      ['ip addr add 1.2.3.4/32 dev', 'Command line is not complete. Try option "help"\n', 255],
      ['ip -x addr', 'Option "-x" is unknown, try "ip -help".\n', 255],
    ];
    for (const [line, output, exit] of cases) expect(sh.run(line), line).toEqual({ output, exit });
    // A failing command changes nothing.
    expect(sh.run('ip -4 addr show dev eth0').output).toContain('inet 192.168.10.11/24 scope global eth0\n');
    expect(sh.lab.host('rs1').iface('eth0')!.addrs).toHaveLength(1);
  });
});

describe('ip: changing the host', () => {
  it('adds and deletes a VIP with a label, as a DR real server is set up', () => {
    const sh = presetShell('dr', 'rs1');
    expect(sh.run('ip addr add 192.168.10.101/32 dev lo label lo:1')).toEqual({ output: '', exit: 0 });
    expect(sh.run('ip addr show dev lo').output).toContain('    inet 192.168.10.101/32 scope global lo:1\n');
    expect(sh.lab.host('rs1').isLocal(ipOf('192.168.10.101'))).toBe(true);
    expect(sh.run('ip addr del 192.168.10.101/32 dev lo')).toEqual({ output: '', exit: 0 });
    expect(sh.lab.host('rs1').isLocal(ipOf('192.168.10.101'))).toBe(false);
  });

  it('warns about wildcard deletion without a prefix length', () => {
    const sh = presetShell('dr', 'rs1');
    sh.run('ip addr add 10.5.5.5/24 dev eth0');
    const r = sh.run('ip addr del 10.5.5.5 dev eth0');
    expect(r.exit).toBe(0);
    expect(r.output).toBe(
      'Warning: Executing wildcard deletion to stay compatible with old scripts.\n' +
        '         Explicitly specify the prefix length (10.5.5.5/32) to avoid this warning.\n' +
        '         This special behaviour is likely to disappear in further releases,\n' +
        '         fix your scripts!\n',
    );
  });

  it('brd + shows the broadcast address; secondary addresses say so', () => {
    const sh = presetShell('dr', 'rs1');
    sh.run('ip addr add 10.7.0.1/24 brd + dev eth0');
    sh.run('ip addr add 10.7.0.2/24 dev eth0 label eth0:7');
    const o = sh.run('ip -4 addr show eth0').output;
    expect(o).toContain('    inet 10.7.0.1/24 brd 10.7.0.255 scope global eth0\n');
    expect(o).toContain('    inet 10.7.0.2/24 scope global secondary eth0:7\n');
  });

  it('routes: add, show, get, del', () => {
    const sh = presetShell('dr', 'director');
    expect(sh.run('ip route add 10.9.0.0/16 via 192.168.10.1 metric 5').exit).toBe(0);
    expect(sh.run('ip route add 10.8.0.0/16 dev eth0').exit).toBe(0);
    expect(sh.run('ip route').output).toBe(
      'default via 192.168.10.1 dev eth0 \n' +
        '10.8.0.0/16 dev eth0 scope link \n' +
        '10.9.0.0/16 via 192.168.10.1 dev eth0 metric 5 \n' +
        '192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.2 \n',
    );
    expect(sh.run('ip route get 10.9.1.1').output).toBe('10.9.1.1 via 192.168.10.1 dev eth0 src 192.168.10.2 uid 0 \n    cache \n');
    expect(sh.run('ip route get 192.168.10.100').output).toBe('local 192.168.10.100 dev lo src 192.168.10.100 uid 0 \n    cache <local> \n');
    expect(sh.run('ip route del 10.9.0.0/16').exit).toBe(0);
    expect(sh.run('ip route show 10.9.0.0/16').output).toBe('');
  });

  it('link down takes the connected route with it; the state reads DOWN', () => {
    const sh = presetShell('dr', 'rs1');
    expect(sh.run('ip link set eth0 down').exit).toBe(0);
    expect(sh.run('ip link show eth0').output).toBe(
      '2: eth0@if5: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n' + '    link/ether 52:54:00:00:0a:11 brd ff:ff:ff:ff:ff:ff link-netns switch\n',
    );
    expect(sh.run('ip route').output).toBe('');
    sh.run('ip link set dev eth0 up');
    expect(sh.run('ip route').output).toBe('192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.11 \n');
  });

  it('a pulled cable reads NO-CARRIER / LOWERLAYERDOWN and linkdown', () => {
    const sh = presetShell('dr', 'rs1');
    expect(sh.run('lab link down rs1:eth0').exit).toBe(0);
    expect(sh.run('ip link show eth0').output.split('\n')[0]).toBe(
      '2: eth0@if5: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default qlen 1000',
    );
    expect(sh.run('ip route').output).toContain('192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.11 linkdown \n');
  });

  it('neigh flush removes learned entries; arp -n lists them', () => {
    const sh = presetShell('dr', 'client1');
    sh.run('curl -s http://192.168.10.100/');
    expect(sh.run('ip neigh').output).toMatch(/^203\.0\.113\.1 dev eth0 lladdr 52:54:00:00:01:01 (REACHABLE|STALE|DELAY) \n$/);
    expect(sh.run('ip neigh flush').output).toBe('Flush requires arguments.\n');
    expect(sh.run('ip neigh flush all')).toEqual({ output: '', exit: 0 });
    expect(sh.run('ip neigh').output).toBe('');
  });

  it('-br prints one line per device', () => {
    const sh = presetShell('dr', 'rs1');
    expect(sh.run('ip -br addr').output).toBe(
      'lo               UNKNOWN        127.0.0.1/8 192.168.10.100/32 ::1/128 \n' + 'eth0@if5         UP             192.168.10.11/24 fe80::5054:ff:fe00:a11/64 \n',
    );
  });
});

describe('ip: helpers', () => {
  it('EUI-64 link-local addresses, RFC 5952 text', () => {
    expect(linkLocal('52:54:00:00:0a:11')).toBe('fe80::5054:ff:fe00:a11');
    expect(linkLocal('02:00:00:00:00:00')).toBe('fe80::ff:fe00:0');
    expect(ipv6Str([0, 0, 0, 0, 0, 0, 0, 1])).toBe('::1');
    expect(ipv6Str([0x2001, 0xdb8, 0, 1, 0, 0, 0, 1])).toBe('2001:db8:0:1::1');
  });
});
