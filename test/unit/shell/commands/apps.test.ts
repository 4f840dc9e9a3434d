/** ab, nc, systemctl: linux-tools.md §7 for ab; the listener/client pair for nc. */
import { describe, expect, it } from 'vitest';
import { presetShell, referenceShell } from '../fixtures';
import { abResults } from '../../../../src/core/shell/commands/ab';
import { Lab } from '../../../../src/core/lab';
import { PRESETS } from '../../../../src/core/scenario/presets';
import { Shell } from '../../../../src/core/shell/shell';

const AB_BANNER =
  'This is ApacheBench, Version 2.3 <$Revision$>\n' +
  'Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n' +
  'Licensed to The Apache Software Foundation, http://www.apache.org/\n\n';

describe('ab (linux-tools.md §7)', () => {
  it('output_results reproduces the reference summary from the same timings', () => {
    // 100 samples whose rounded statistics are the reference run's.
    const samples = Array.from({ length: 100 }, (_, i) => ({
      ctime: i < 4 ? 900 : i === 99 ? 300 : 100,
      time: i === 99 ? 1600 : i >= 80 ? 1400 : 1000,
      waittime: i < 10 ? 300 : 800,
    }));
    expect(
      AB_BANNER +
        'Benchmarking 192.168.10.11 (be patient).....done\n' +
        abResults({ hostname: '192.168.10.11', port: 80, path: '/', server: 'nginx/1.22.1', doclen: 18, concurrency: 10, takenUs: 13_400, done: 100, bad: { conn: 0, recv: 0, length: 0, except: 0 }, totalread: 24900, totalbread: 1800, samples }),
    ).toBe(
      AB_BANNER +
        'Benchmarking 192.168.10.11 (be patient).....done\n\n\n' +
        'Server Software:        nginx/1.22.1\n' +
        'Server Hostname:        192.168.10.11\n' +
        'Server Port:            80\n\n' +
        'Document Path:          /\n' +
        'Document Length:        18 bytes\n\n' +
        'Concurrency Level:      10\n' +
        'Time taken for tests:   0.013 seconds\n' +
        'Complete requests:      100\n' +
        'Failed requests:        0\n' +
        'Total transferred:      24900 bytes\n' +
        'HTML transferred:       1800 bytes\n' +
        'Requests per second:    7462.69 [#/sec] (mean)\n' +
        'Time per request:       1.340 [ms] (mean)\n' +
        'Time per request:       0.134 [ms] (mean, across all concurrent requests)\n' +
        'Transfer rate:          1814.66 [Kbytes/sec] received\n\n' +
        'Connection Times (ms)\n' +
        '              min  mean[+/-sd] median   max\n' +
        'Connect:        0    0   0.2      0       1\n' +
        'Processing:     0    1   0.2      1       1\n' +
        'Waiting:        0    1   0.2      1       1\n' +
        'Total:          1    1   0.2      1       2\n\n' +
        'Percentage of the requests served within a certain time (ms)\n' +
        '  50%      1\n  66%      1\n  75%      1\n  80%      1\n  90%      1\n  95%      1\n  98%      1\n  99%      2\n 100%      2 (longest request)\n',
    );
  });

  it('a run against the VIP has the reference shape, and the requests really went through IPVS', () => {
    const sh = presetShell('dr', 'client1');
    const r = sh.run('ab -n 100 -c 10 http://192.168.10.100/');
    expect(r.exit).toBe(0);
    expect(r.output).toMatch(
      new RegExp(
        '^' +
          AB_BANNER.replace(/[$.()/<>]/g, '\\$&') +
          'Benchmarking 192\\.168\\.10\\.100 \\(be patient\\)\\.\\.\\.\\.\\.done\\n\\n\\n' +
          'Server Software: {8}nginx/1\\.22\\.1\\nServer Hostname: {8}192\\.168\\.10\\.100\\nServer Port: {12}80\\n\\n' +
          'Document Path: {10}/\\nDocument Length: {8}18 bytes\\n\\nConcurrency Level: {6}10\\nTime taken for tests: {3}\\d+\\.\\d{3} seconds\\n' +
          'Complete requests: {6}100\\nFailed requests: {8}0\\nTotal transferred: {6}25400 bytes\\nHTML transferred: {7}1800 bytes\\n' +
          'Requests per second: {4}[\\d.]+ \\[#/sec\\] \\(mean\\)\\n',
      ),
    );
    expect(r.output).toMatch(/\nConnection Times \(ms\)\n {14}min {2}mean\[\+\/-sd\] median {3}max\nConnect: {4}[ \d]{5} [ \d]{4} [ \d.]{5} [ \d]{6} [ \d]{7}\n/);
    expect(r.output).toMatch(/\n 100% {2}[ \d]{5} \(longest request\)\n$/);
    const ipvs = sh.lab.nodes.get('director')!.ipvs!;
    expect(ipvs.services[0]!.stats.conns).toBe(100);
  });

  it('more than 150 requests: progress on stderr', () => {
    const r = presetShell('dr', 'client1').run('ab -n 1000 -c 20 http://192.168.10.100/');
    expect(r.output).toContain('Benchmarking 192.168.10.100 (be patient)\nCompleted 100 requests\nCompleted 200 requests\n');
    expect(r.output).toContain('Completed 1000 requests\nFinished 1000 requests\n\n\nServer Software:');
  });

  it('errors: no path, refused, no route', () => {
    const sh = referenceShell('client');
    const bad = sh.run('ab -n 100 -c 10 http://192.168.10.11');
    expect(bad.exit).toBe(22);
    expect(bad.output.startsWith('ab: invalid URL\nUsage: ab [options] [http[s]://]hostname[:port]/path\n')).toBe(true);
    expect(sh.run('ab -n 10 -c 2 http://192.168.10.11:81/')).toEqual({ output: AB_BANNER + 'Benchmarking 192.168.10.11 (be patient)...apr_socket_recv: Connection refused (111)\n', exit: 111 });
    expect(sh.run('ab -n 10 -c 2 http://192.168.10.99/')).toEqual({ output: AB_BANNER + 'Benchmarking 192.168.10.99 (be patient)...apr_socket_recv: No route to host (113)\n', exit: 113 });
    expect(sh.run('ab -n 2 -c 10 http://192.168.10.11/').output.startsWith('ab: Cannot use concurrency level greater than total number of requests\n')).toBe(true);
  });
});

describe('ab -r and -l (ab.c read_connection, close_connection)', () => {
  /** The DR lab with nginx stopped on rs2: round robin sends every third connection to a closed port. */
  function oneRefusing(): Shell {
    const sh = presetShell('dr', 'client1');
    sh.run('ssh rs2 systemctl stop nginx');
    return sh;
  }

  it('without -r the first refused connection ends the run; with -r it is counted and the run goes on', () => {
    expect(oneRefusing().run('ab -n 30 -c 3 http://192.168.10.100/')).toEqual({
      output: AB_BANNER + 'Benchmarking 192.168.10.100 (be patient)...apr_socket_recv: Connection refused (111)\n',
      exit: 111,
    });
    const r = oneRefusing().run('ab -r -n 30 -c 3 http://192.168.10.100/');
    expect(r.exit).toBe(0);
    expect(r.output).toContain('Benchmarking 192.168.10.100 (be patient).....done\n');
    // Every request ends up "complete"; each refused one is a Receive error plus the same
    // poll event's POLLERR (Exceptions). (sic) The refusal that follows the first good
    // response resets ab's document length to 0 (close_connection sets doclen while
    // good == 1), so the 19 later good responses all fail the length check.
    expect(r.output).toContain(
      'Document Length:        0 bytes\n\n' +
        'Concurrency Level:      3\n',
    );
    expect(r.output).toContain(
      'Complete requests:      30\n' +
        'Failed requests:        39\n' +
        '   (Connect: 0, Receive: 10, Length: 19, Exceptions: 10)\n' +
        'Total transferred:      5080 bytes\n' + // 20 responses of 254 bytes
        'HTML transferred:       360 bytes\n',
    );
  });

  it('-v 1 with -r prints each receive error as it happens', () => {
    const r = oneRefusing().run('ab -r -v 1 -n 30 -c 3 http://192.168.10.100/');
    // (stderr, so the first one lands after stdout's "(be patient)...")
    expect(r.output.match(/apr_socket_recv: Connection refused \(111\)\n/g)).toHaveLength(10);
    expect(r.output).toContain('Failed requests:        39\n');
  });

  it('-l: responses of different lengths are not failures, and the length reads "Variable"', () => {
    const s = PRESETS.dr!();
    const lab = Lab.of({
      ...s,
      traffic: s.traffic ? { ...s.traffic, running: false } : undefined,
      nodes: s.nodes.map((n) => (n.name === 'rs3' && n.web ? { ...n, web: { ...n.web, body: 'a longer page on rs3' } } : n)),
    });
    const sh = new Shell(lab, { node: 'client1' });
    const without = sh.run('ab -n 30 -c 3 http://192.168.10.100/').output;
    // Round robin starts with rs3: its 21 bytes are the document length, the 20 others fail.
    expect(without).toContain('Document Length:        21 bytes\n');
    expect(without).toContain('Failed requests:        20\n   (Connect: 0, Receive: 0, Length: 20, Exceptions: 0)\n');
    const withL = sh.run('ab -l -n 30 -c 3 http://192.168.10.100/').output;
    expect(withL).toContain('Document Length:        Variable\n');
    expect(withL).toContain('Complete requests:      30\nFailed requests:        0\nTotal transferred:');
    expect(withL).toContain(`HTML transferred:       ${20 * 18 + 10 * 'a longer page on rs3\n'.length} bytes\n`);
  });
});

describe('nc', () => {
  it('a listener prints what a client sends; the client sends its input and closes after -w', () => {
    const sh = referenceShell('client');
    expect(sh.run('ssh rs1 nc -l -p 9000')).toEqual({ output: '', exit: 0 });
    expect(sh.run('echo hi | nc -w1 192.168.10.11 9000')).toEqual({ output: 'hi\n', exit: 0 });
    // The listener ended with its connection (nc without -k): the port is closed again.
    expect(sh.run('nc -v -w1 192.168.10.11 9000')).toEqual({ output: 'nc: connect to 192.168.10.11 port 9000 (tcp) failed: Connection refused\n', exit: 1 });
  });

  it('-v, -z and an HTTP request typed by hand', () => {
    const sh = referenceShell('client');
    expect(sh.run('nc -zv 192.168.10.11 80')).toEqual({ output: 'Connection to 192.168.10.11 80 port [tcp/http] succeeded!\n', exit: 0 });
    const r = sh.run("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w1 192.168.10.11 80");
    expect(r.exit).toBe(0);
    expect(r.output).toMatch(/^HTTP\/1\.1 200 OK\r\nServer: nginx\/1\.22\.1\r\n(.*\r\n)+\r\nrs1 192\.168\.10\.11\n$/);
  });

  it('a port in use; UDP', () => {
    const sh = referenceShell('rs1');
    expect(sh.run('nc -l -p 80')).toEqual({ output: 'nc: Address already in use\n', exit: 1 });
    sh.run('nc -u -l -p 5000');
    expect(sh.run('echo hello | ssh client nc -u -w1 192.168.10.11 5000')).toEqual({ output: 'hello\n', exit: 0 });
  });
});

describe('systemctl', () => {
  it('stop and start nginx through lab.apply; curl sees it', () => {
    const sh = referenceShell('rs1');
    expect(sh.run('systemctl stop nginx')).toEqual({ output: '', exit: 0 });
    expect(sh.run('systemctl is-active nginx')).toEqual({ output: 'inactive\n', exit: 3 });
    expect(sh.run('ssh client curl -sS http://192.168.10.11/')).toEqual({ output: "curl: (7) Failed to connect to 192.168.10.11 port 80 after 0 ms: Couldn't connect to server\n", exit: 7 });
    const st = sh.run('systemctl status nginx');
    expect(st.exit).toBe(3);
    expect(st.output).toMatch(/^○ nginx\.service - A high performance web server and a reverse proxy server\n {5}Loaded: loaded \(\/lib\/systemd\/system\/nginx\.service; enabled; preset: enabled\)\n {5}Active: inactive \(dead\) since Thu 2026-11-26 00:00:00 UTC; \d+s ago\n/);
    expect(sh.run('systemctl start nginx').exit).toBe(0);
    expect(sh.run('ssh client curl -s http://192.168.10.11/').output).toBe('rs1 192.168.10.11\n');
    expect(sh.run('systemctl status nginx').output).toMatch(/^● nginx\.service - .*\n.*\n {5}Active: active \(running\) since /);
    expect(sh.lab.log.map((e) => e.cmd)).toEqual([
      { type: 'service', node: 'rs1', state: 'stopped' },
      { type: 'service', node: 'rs1', state: 'running' },
    ]);
  });

  it('units that do not exist', () => {
    const sh = referenceShell('director');
    expect(sh.run('systemctl status nginx')).toEqual({ output: 'Unit nginx.service could not be found.\n', exit: 4 });
    expect(sh.run('systemctl start apache2')).toEqual({ output: 'Failed to start apache2.service: Unit apache2.service not found.\n', exit: 5 });
    expect(sh.run('systemctl frob nginx')).toEqual({ output: "Unknown command verb 'frob'.\n", exit: 1 });
  });
});
