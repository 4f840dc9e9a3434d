import { describe, expect, it } from 'vitest';
import { connColour, connKeyOf, describeFrame, endpointText, lookOf, parseEndpoint } from '../../../src/render/scene/classify';
import { ip } from '../../../src/core/net/addr';
import { ipFrame, makeIp, ACK } from '../../../src/core/net/packet';
import { CONN_COLOURS } from '../../../src/render/palette';
import { CLIENT, VIP, arp, ipip, reply, request, tcp } from './scene-fixtures';

describe('classify', () => {
  it('names a connection by its client end (the higher, ephemeral port)', () => {
    expect(lookOf(request(40000)).connKey).toBe(connKeyOf(CLIENT, 40000));
    expect(lookOf(reply(40000)).connKey).toBe(connKeyOf(CLIENT, 40000));
    expect(lookOf(reply(40000)).reply).toBe(true);
    expect(lookOf(request(40000)).reply).toBe(false);
  });

  it('parses and prints endpoints as ipvsadm -Lnc does', () => {
    const k = parseEndpoint('203.0.113.10:40000');
    expect(k).toBe(connKeyOf(CLIENT, 40000));
    expect(endpointText(k!)).toBe('203.0.113.10:40000');
    expect(parseEndpoint('203.0.113.300:1')).toBeUndefined();
    expect(parseEndpoint('nonsense')).toBeUndefined();
  });

  it('spreads connections over the whole colour-blind-safe set, stably', () => {
    const seen = new Set<number>();
    for (let p = 32768; p < 32868; p++) seen.add(connColour(connKeyOf(CLIENT, p)));
    expect(seen.size).toBe(CONN_COLOURS);
    expect(connColour(connKeyOf(CLIENT, 40000))).toBe(connColour(connKeyOf(CLIENT, 40000)));
  });

  it('colours an ICMP error with the connection it is about', () => {
    const orig = tcp(CLIENT, 40000, VIP, 80);
    const err = ipFrame('a', 'b', makeIp({ src: ip('192.168.10.1'), dst: CLIENT, l4: { kind: 'icmp', type: 3, code: 4, mtu: 1400, orig } }));
    const look = lookOf(err);
    expect([look.shape, look.connKey]).toEqual(['hexagon', connKeyOf(CLIENT, 40000)]);
  });

  it('describes frames the way tcpdump reads', () => {
    expect(describeFrame(request(40000))).toBe('TCP 203.0.113.10:40000 > 192.168.10.100:80 SYN');
    expect(describeFrame(reply(40000, ACK))).toBe('TCP 192.168.10.100:80 > 203.0.113.10:40000 ACK');
    expect(describeFrame(arp())).toBe('ARP who-has 192.168.10.11 tell 192.168.10.2');
    expect(describeFrame(ipip(tcp(CLIENT, 40000, VIP, 80)))).toBe('IPIP 192.168.10.2 > 192.168.10.11 [TCP 203.0.113.10:40000 > 192.168.10.100:80 SYN]');
  });
});
