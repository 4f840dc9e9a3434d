/**
 * ping, curl, arp, hostname on the reference topology: linux-tools.md §2, §3, §5, §8,
 * byte for byte where the lab's timing allows, by shape where only real elapsed
 * milliseconds differ.
 */
import { describe, expect, it } from 'vitest';
import { presetShell, referenceShell } from '../fixtures';
import { pingSummary, pingTime } from '../../../../src/core/shell/commands/ping';

describe('ping (linux-tools.md §3)', () => {
  it('formats the statistics exactly as iputils finish() does', () => {
    expect(pingSummary({ name: '192.168.10.11', transmitted: 3, received: 3, errors: 0, repeats: 0, elapsedUs: 2003_000, rtts: [54, 76, 76], pipe: 1, timing: true })).toBe(
      '\n--- 192.168.10.11 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 2003ms\nrtt min/avg/max/mdev = 0.054/0.068/0.076/0.010 ms\n',
    );
    expect(pingSummary({ name: '192.168.10.99', transmitted: 2, received: 0, errors: 0, repeats: 0, elapsedUs: 1005_000, rtts: [], pipe: 1, timing: true })).toBe(
      '\n--- 192.168.10.99 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss, time 1005ms\n\n',
    );
    expect(pingSummary({ name: '192.168.10.99', transmitted: 4, received: 0, errors: 4, repeats: 0, elapsedUs: 3017_000, rtts: [], pipe: 2, timing: true })).toBe(
      '\n--- 192.168.10.99 ping statistics ---\n4 packets transmitted, 0 received, +4 errors, 100% packet loss, time 3017ms\npipe 2\n',
    );
    expect(pingSummary({ name: 'x', transmitted: 3, received: 2, errors: 0, repeats: 0, elapsedUs: 2000_000, rtts: [100, 100], pipe: 1, timing: true })).toContain(', 33.3333% packet loss,');
    expect([pingTime(54), pingTime(4608), pingTime(12345), pingTime(123456)]).toEqual(['0.054', '4.61', '12.3', '123']);
  });

  it('replies from a real server through the router', () => {
    const sh = referenceShell('client');
    const r = sh.run('ping -c 3 192.168.10.11');
    expect(r.exit).toBe(0);
    expect(r.output).toMatch(
      /^PING 192\.168\.10\.11 \(192\.168\.10\.11\) 56\(84\) bytes of data\.\n(64 bytes from 192\.168\.10\.11: icmp_seq=[123] ttl=63 time=0\.\d{3} ms\n){3}\n--- 192\.168\.10\.11 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 200\dms\nrtt min\/avg\/max\/mdev = 0\.\d{3}\/0\.\d{3}\/0\.\d{3}\/0\.\d{3} ms\n$/,
    );
  });

  it('a dead on-link host: silence with -W 1, Destination Host Unreachable without', () => {
    expect(referenceShell('director').run('ping -c 2 -W 1 192.168.10.99')).toEqual({
      output: 'PING 192.168.10.99 (192.168.10.99) 56(84) bytes of data.\n\n--- 192.168.10.99 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss, time 1000ms\n\n',
      exit: 1,
    });
    const r = referenceShell('director').run('ping -c 4 192.168.10.99');
    expect(r.exit).toBe(1);
    expect(r.output).toMatch(/^PING 192\.168\.10\.99 \(192\.168\.10\.99\) 56\(84\) bytes of data\.\n(From 192\.168\.10\.2 icmp_seq=[1-4] Destination Host Unreachable\n){4}\n--- 192\.168\.10\.99 ping statistics ---\n4 packets transmitted, 0 received, \+4 errors, 100% packet loss, time \d+ms\npipe \d\n$/);
  });

  it('DR arp_announce: a ping from the VIP gets no reply (the reference run, byte for byte)', () => {
    expect(referenceShell('rs1').run('ping -c 1 -W 1 -I 192.168.10.100 192.168.10.1')).toEqual({
      output: 'PING 192.168.10.1 (192.168.10.1) from 192.168.10.100 : 56(84) bytes of data.\n\n--- 192.168.10.1 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, time 0ms\n\n',
      exit: 1,
    });
  });

  it('TTL exceeded and fragmentation needed come from the router', () => {
    const sh = referenceShell('client');
    expect(sh.run('ping -c 1 -t 1 192.168.10.11').output).toContain('From 203.0.113.1 icmp_seq=1 Time to live exceeded\n');
    sh.run('ssh router ip link set eth1 mtu 1400');
    const r = sh.run('ping -c 3 -M do -s 1400 192.168.10.11');
    expect(r.exit).toBe(1);
    expect(r.output).toMatch(
      /^PING 192\.168\.10\.11 \(192\.168\.10\.11\) 1400\(1428\) bytes of data\.\nFrom 203\.0\.113\.1 icmp_seq=1 Frag needed and DF set \(mtu = 1400\)\nping: local error: message too long, mtu=1400\nping: local error: message too long, mtu=1400\n\n--- 192\.168\.10\.11 ping statistics ---\n3 packets transmitted, 0 received, \+3 errors, 100% packet loss, time \d+ms\n\n$/,
    );
  });

  it('errors before sending: no route, no name, bad count', () => {
    const sh = referenceShell('client');
    sh.run('ip route del default');
    expect(sh.run('ping -c 2 192.168.10.11')).toEqual({ output: 'ping: connect: Network is unreachable\n', exit: 2 });
    expect(sh.run('ping -c 1 web1')).toEqual({ output: 'ping: web1: Temporary failure in name resolution\n', exit: 2 });
    expect(sh.run('ping -c 0 203.0.113.1')).toEqual({ output: "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n", exit: 1 });
    expect(sh.run('ping')).toEqual({ output: 'ping: usage error: Destination address required\n', exit: 1 });
  });

  it('without -c it runs until the lab interrupts it (^C), names resolve from /etc/hosts', () => {
    const sh = referenceShell('client');
    const t0 = sh.lab.now;
    const r = sh.run('ping rs1');
    expect(r.output).toMatch(/^PING rs1 \(192\.168\.10\.11\) 56\(84\) bytes of data\.\n64 bytes from rs1 \(192\.168\.10\.11\): icmp_seq=1 ttl=63 time=/);
    expect(r.output).toMatch(/\^C\n--- rs1 ping statistics ---\n10 packets transmitted, 10 received, 0% packet loss, time 9\d{3}ms\n/);
    expect(sh.lab.now - t0).toBe(9_999_999);
  });
});

describe('curl (linux-tools.md §2)', () => {
  it('prints the body; -w; unresolvable names', () => {
    const sh = referenceShell('client');
    expect(sh.run('curl -s http://192.168.10.11/')).toEqual({ output: 'rs1 192.168.10.11\n', exit: 0 });
    expect(sh.run('curl -s -o /dev/null -w "%{http_code}\\n" http://192.168.10.11/')).toEqual({ output: '200\n', exit: 0 });
    expect(sh.run('curl -sS http://web1/')).toEqual({ output: 'curl: (6) Could not resolve host: web1\n', exit: 6 });
    expect(sh.run('curl -s http://rs2/')).toEqual({ output: 'rs2 192.168.10.12\n', exit: 0 });
  });

  it('refused: (7) after 0 ms; -v shows the errno; -s alone shows nothing', () => {
    const sh = referenceShell('client');
    expect(sh.run('curl -sS http://192.168.10.11:81/')).toEqual({ output: "curl: (7) Failed to connect to 192.168.10.11 port 81 after 0 ms: Couldn't connect to server\n", exit: 7 });
    expect(sh.run('curl -v http://192.168.10.11:81/')).toEqual({
      output:
        '*   Trying 192.168.10.11:81...\n' +
        '* connect to 192.168.10.11 port 81 failed: Connection refused\n' +
        "* Failed to connect to 192.168.10.11 port 81 after 0 ms: Couldn't connect to server\n" +
        '* Closing connection 0\n' +
        "curl: (7) Failed to connect to 192.168.10.11 port 81 after 0 ms: Couldn't connect to server\n",
      exit: 7,
    });
    expect(sh.run('curl -s http://192.168.10.11:81/')).toEqual({ output: '', exit: 7 });
    expect(sh.run('curl -sS http://198.51.100.1/')).toEqual({ output: "curl: (7) Failed to connect to 198.51.100.1 port 80 after 0 ms: Couldn't connect to server\n", exit: 7 });
  });

  it('-v on success: the exchange as curl shows it', () => {
    const r = referenceShell('client').run('curl -v http://192.168.10.11/');
    expect(r.exit).toBe(0);
    expect(r.output.replace(/^< (Date|Last-Modified|ETag): .*$/gm, '< $1: X')).toBe(
      '*   Trying 192.168.10.11:80...\n' +
        '* Connected to 192.168.10.11 (192.168.10.11) port 80 (#0)\n' +
        '> GET / HTTP/1.1\n' +
        '> Host: 192.168.10.11\n' +
        '> User-Agent: curl/7.88.1\n' +
        '> Accept: */*\n' +
        '> \n' +
        '< HTTP/1.1 200 OK\n' +
        '< Server: nginx/1.22.1\n' +
        '< Date: X\n' +
        '< Content-Type: text/html\n' +
        '< Content-Length: 18\n' +
        '< Last-Modified: X\n' +
        '< Connection: keep-alive\n' +
        '< ETag: X\n' +
        '< Accept-Ranges: bytes\n' +
        '< \n' +
        'rs1 192.168.10.11\n' +
        '* Connection #0 to host 192.168.10.11 left intact\n',
    );
  });

  it('several URLs to one host: connection #0 is reused (keep-alive), one handshake, one close', () => {
    const sh = referenceShell('client');
    sh.run('ssh rs1 tcpdump -n -i eth0 tcp port 80 &');
    const r = sh.run('curl -v http://192.168.10.11/ http://192.168.10.11/index.html');
    expect(r.exit).toBe(0);
    const v = r.output.split('\n').filter((l) => /^[*<>] |^rs1 /.test(l));
    const second = v.indexOf('* Connection #0 to host 192.168.10.11 left intact') + 1;
    expect(second).toBeGreaterThan(0);
    // url.c ConnectionExists / reuse_conn (curl 7.88.1): no "Trying", no "Connected to".
    expect(v[second]).toMatch(/^\* Found bundle for host: 0x[0-9a-f]{12} \[serially\]$/);
    expect(v.slice(second + 1)).toEqual([
      '* Can not multiplex, even if we wanted to',
      '* Re-using existing connection #0 with host 192.168.10.11',
      '> GET /index.html HTTP/1.1',
      '> Host: 192.168.10.11',
      '> User-Agent: curl/7.88.1',
      '> Accept: */*',
      '> ',
      ...v.slice(second - 12, second - 2), // the same response headers
      'rs1 192.168.10.11',
      '* Connection #0 to host 192.168.10.11 left intact',
    ]);
    const wire = (r.output + sh.run('sleep 1').output).split('\n').filter((l) => / IP 203\.0\.113\.10\.\d+ > /.test(l));
    expect(wire.filter((l) => l.includes('Flags [S]'))).toHaveLength(1);
    expect(wire.filter((l) => l.includes('Flags [F.]'))).toHaveLength(1);
    expect(wire.filter((l) => l.includes('Flags [P.]')).map((l) => l.replace(/.*(seq \S+).*(HTTP: .*)$/, '$1 $2'))).toEqual([
      'seq 1:78, HTTP: GET / HTTP/1.1',
      'seq 78:165, HTTP: GET /index.html HTTP/1.1',
    ]);
    // The client closes when curl exits, after the last response.
    expect(wire.at(-2)).toMatch(/Flags \[F\.\], seq 165, ack 509,/);
  });

  it('-w num_connects: 1 for the URL that connected, 0 for the ones that reused; other hosts get #1', () => {
    const sh = referenceShell('client');
    expect(sh.run('curl -s -o /dev/null -w "%{num_connects} %{local_port}\\n" http://192.168.10.11/ http://192.168.10.11/ http://192.168.10.12/').output).toMatch(/^1 (\d+)\n0 \1\n1 (?!\1)\d+\n$/);
    const v = sh.run('curl -v -o /dev/null http://192.168.10.11:81/ http://192.168.10.11/ http://192.168.10.12/').output;
    expect(v).toContain('* Closing connection 0\n');
    expect(v).toContain('* Connected to 192.168.10.11 (192.168.10.11) port 80 (#1)\n');
    expect(v).toContain('* Connected to 192.168.10.12 (192.168.10.12) port 80 (#2)\n');
  });

  it('curl closes what it kept open when it exits, and a failed transfer does not keep its connection', () => {
    const sh = referenceShell('client');
    const estab = () => [...sh.lab.host('client').tcp.sockets()].filter((s) => s.state === 'ESTABLISHED');
    expect(sh.run('curl -s http://192.168.10.11/ http://192.168.10.12/').exit).toBe(0);
    expect(estab()).toEqual([]);
    // Each failed write closes its connection: the second URL connects anew (#1).
    expect(sh.run('curl -sS -o /nope/x http://192.168.10.11/ http://192.168.10.11/')).toEqual({
      output: 'curl: (23) Failure writing output to destination\n'.repeat(2),
      exit: 23,
    });
    expect(estab()).toEqual([]);
    expect(sh.run('curl -v -o /nope/x http://192.168.10.11/ http://192.168.10.11/').output.match(/\* Connected to 192\.168\.10\.11 .*\(#\d\)/g)).toEqual([
      '* Connected to 192.168.10.11 (192.168.10.11) port 80 (#0)',
      '* Connected to 192.168.10.11 (192.168.10.11) port 80 (#1)',
    ]);
  });

  it('several URLs to a VIP: one connection, so IPVS schedules once and one real server answers all', () => {
    const sh = presetShell('dr', 'client1');
    const bodies = sh.run('curl -s http://192.168.10.100/ http://192.168.10.100/a http://192.168.10.100/b').output;
    expect(new Set(bodies.trimEnd().split('\n')).size).toBe(1);
    expect(bodies.trimEnd().split('\n')).toHaveLength(3);
    const conns = sh.run('ssh director ipvsadm -Lnc').output.split('\n').filter((l) => l.startsWith('TCP '));
    expect(conns).toHaveLength(1);
    expect(sh.run('ssh director ipvsadm -Ln --stats').output).toMatch(/\nTCP  192\.168\.10\.100:80 +1 +\d+/);
    // Separate curls are separate connections: round robin moves on.
    const a = sh.run('curl -s http://192.168.10.100/').output;
    const b = sh.run('curl -s http://192.168.10.100/').output;
    expect(a).not.toBe(b);
  });

  it('the three (28) timeouts', () => {
    const dead = referenceShell('client');
    dead.run('lab power off rs2');
    expect(dead.run('curl -sS -m 2 http://192.168.10.12/')).toEqual({ output: 'curl: (28) Connection timed out after 2001 milliseconds\n', exit: 28 });
    const dead2 = referenceShell('client');
    dead2.run('lab power off rs2');
    expect(dead2.run('curl -sS --connect-timeout 2 http://192.168.10.12/')).toEqual({ output: 'curl: (28) Failed to connect to 192.168.10.12 port 80 after 2001 ms: Timeout was reached\n', exit: 28 });
    const mute = referenceShell('client');
    expect(mute.run('ssh rs2 nc -l -p 8080').exit).toBe(0);
    // The listener on rs2 prints the request it got (on this one terminal), curl gives up.
    expect(mute.run('curl -sS -m 2 http://192.168.10.12:8080/')).toEqual({
      output: 'GET / HTTP/1.1\r\nHost: 192.168.10.12:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\ncurl: (28) Operation timed out after 2000 milliseconds with 0 bytes received\n',
      exit: 28,
    });
  });

  it('no such host on the LAN: No route to host after about 3 s', () => {
    const r = referenceShell('client').run('curl -v http://192.168.10.98/');
    expect(r.exit).toBe(7);
    expect(r.output).toMatch(
      /^\* {3}Trying 192\.168\.10\.98:80\.\.\.\n\* connect to 192\.168\.10\.98 port 80 failed: No route to host\n\* Failed to connect to 192\.168\.10\.98 port 80 after 30\d\d ms: Couldn't connect to server\n\* Closing connection 0\ncurl: \(7\) Failed to connect to 192\.168\.10\.98 port 80 after 30\d\d ms: Couldn't connect to server\n$/,
    );
  });

  it('a hung server without -m: cut at 130 s as if ^C', () => {
    const sh = referenceShell('client');
    sh.run('lab service hang rs1');
    const t0 = sh.lab.now;
    expect(sh.run('curl -s http://192.168.10.11/')).toEqual({ output: '^C\n', exit: 130 });
    expect(sh.lab.now - t0).toBe(130_000_000);
  });

  it('the progress meter when output goes to a file', () => {
    const r = referenceShell('client').run('curl -o /dev/null http://192.168.10.11/');
    expect(r.output).toMatch(
      /^ {2}% Total {4}% Received % Xferd {2}Average Speed {3}Time {4}Time {5}Time {2}Current\n {33}Dload {2}Upload {3}Total {3}Spent {4}Left {2}Speed\n100 {4}18 {2}100 {4}18 {4}0 {5}0 {2}[ \d]{5} {6}0 --:--:-- --:--:-- --:--:-- [ \d]{5}\n$/,
    );
  });

  it('usage errors', () => {
    const sh = referenceShell('client');
    expect(sh.run('curl')).toEqual({ output: "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n", exit: 2 });
    expect(sh.run('curl --bogus http://x/')).toEqual({ output: "curl: option --bogus: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n", exit: 2 });
    expect(sh.run('curl -sS ftp://192.168.10.11/')).toEqual({ output: 'curl: (1) Protocol "ftp" not supported or disabled in libcurl\n', exit: 1 });
    expect(sh.run('curl -sS http://192.168.10.11:99999/')).toEqual({ output: 'curl: (3) URL using bad/illegal format or missing URL\n', exit: 3 });
  });
});

describe('arp, hostname (linux-tools.md §8)', () => {
  it('arp -n and arp -an on the director', () => {
    const sh = referenceShell('director');
    sh.run('ping -c 1 192.168.10.1');
    sh.run('ping -c 1 192.168.10.11');
    sh.run('ping -c 1 -W 1 192.168.10.99');
    expect(sh.run('arp -n').output).toBe(
      'Address                  HWtype  HWaddress           Flags Mask            Iface\n' +
        '192.168.10.1             ether   52:54:00:00:0a:01   C                     eth0\n' +
        '192.168.10.11            ether   52:54:00:00:0a:11   C                     eth0\n' +
        '192.168.10.99                    (incomplete)                              eth0\n',
    );
    expect(sh.run('arp -an').output).toBe(
      '? (192.168.10.1) at 52:54:00:00:0a:01 [ether] on eth0\n' + '? (192.168.10.11) at 52:54:00:00:0a:11 [ether] on eth0\n' + '? (192.168.10.99) at <incomplete> on eth0\n',
    );
  });

  it('hostname and hostname -I (trailing space)', () => {
    const sh = referenceShell('director');
    expect(sh.run('hostname')).toEqual({ output: 'director\n', exit: 0 });
    expect(sh.run('hostname -I')).toEqual({ output: '192.168.10.2 192.168.10.100 \n', exit: 0 });
    expect(sh.run('hostname lb1').exit).toBe(0);
    expect(sh.prompt).toBe('[root@lb1 ~]# ');
  });
});
