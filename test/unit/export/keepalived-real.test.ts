/**
 * The exported keepalived.conf files, checked by the real keepalived (Debian's, installed by
 * .ci/run): `keepalived -t -e -f FILE` parses the file, reports every error on stderr and
 * exits — status 0 only for a clean file. -t never starts the daemon; -e makes a missing
 * file an error (without it keepalived passes it silently).
 *
 * keepalived also checks that the interfaces named in the file exist. So the check runs in a
 * new, empty network namespace (`unshare --net`, as root or with --map-root-user) holding a
 * bridge for each interface the file names: nothing touches the machine's own network.
 * Where no namespace can be made, it runs in the machine's namespace and ignores only the
 * "interface … doesn't exist" complaints.
 *
 * Skipped, with a message, when /usr/sbin/keepalived is missing (apt-get install keepalived) —
 * except under LAB_REQUIRE_KEEPALIVED=1 (.ci/run), where that is a failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportKeepalived } from '../../../src/core/export/keepalived';
import { allLabs } from './labs';

const KEEPALIVED = '/usr/sbin/keepalived';
const HAVE = existsSync(KEEPALIVED);
const MISSING = `${KEEPALIVED} is missing: install Debian's keepalived (apt-get install keepalived) to run this check`;
/** .ci/run sets this: there, a missing keepalived is a failure, not a skip. */
const REQUIRED = process.env.LAB_REQUIRE_KEEPALIVED === '1';
if (!HAVE && !REQUIRED) console.warn(`keepalived-real.test.ts skipped: ${MISSING}`);

/** keepalived's complaints about interfaces that are not on this machine. */
const NO_IFACE = /interface \S+ .*doesn't exist|Non-existent interface specified in configuration/;

interface Check {
  status: number | null;
  lines: string[];
  isolated: boolean;
}

function configTest(file: string, text: string): Check {
  // eth0-eth3, and any other name the file gives (interface, dev, lvs_sync_daemon, track_interface's lines).
  const named = [...text.matchAll(/^\s*(?:interface|lvs_sync_daemon)\s+(\S+)|\bdev\s+(\S+)|^\s*((?:eth|ens|enp|bond|br|tun|veth)[\w.-]*)\s*$/gm)].map((m) => (m[1] ?? m[2] ?? m[3])!);
  const ifaces = [...new Set(['eth0', 'eth1', 'eth2', 'eth3', ...named])].filter((i) => /^[\w.-]{1,15}$/.test(i));
  const script = [...ifaces.map((i) => `ip link add '${i}' type bridge || exit 97`), `exec ${KEEPALIVED} -t -e -f "$0"`].join('\n');
  const opts = { encoding: 'utf8' as const, timeout: 30_000, killSignal: 'SIGKILL' as const };
  const root = process.getuid?.() === 0;
  for (const unshare of root ? [['--net']] : [['--net', '--map-root-user']]) {
    const r = spawnSync('unshare', [...unshare, 'sh', '-c', script, file], opts);
    if (!r.error && r.status !== 97 && !/^unshare:/m.test(r.stderr)) {
      return { status: r.status, lines: `${r.stdout}${r.stderr}`.split('\n').filter(Boolean), isolated: true };
    }
  }
  const r = spawnSync(KEEPALIVED, ['-t', '-e', '-f', file], opts);
  return { status: r.status, lines: `${r.stdout}${r.stderr}`.split('\n').filter(Boolean), isolated: false };
}

const tmp = HAVE ? mkdtempSync(join(tmpdir(), 'lab-keepalived-')) : '';
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.runIf(REQUIRED && !HAVE)('keepalived for the config test', () => {
  it('is installed (LAB_REQUIRE_KEEPALIVED=1)', () => {
    expect.fail(MISSING);
  });
});

describe.skipIf(!HAVE)(`keepalived -t on every exported keepalived.conf${HAVE ? '' : ` (skipped: ${MISSING})`}`, () => {
  it('keepalived -t itself fails on a broken file (the check can fail)', () => {
    const file = join(tmp, 'broken.conf');
    const text = 'virtual_server 192.168.10.100 80 {\n    lb_algo rr\n    lb_kind DSR\n    protocol TCP\n    real_server 192.168.10.11 80 {\n        weight x\n    }\n}\n';
    writeFileSync(file, text);
    const r = configTest(file, text);
    expect(r.status).not.toBe(0);
    expect(r.lines.join('\n')).toMatch(/unknown \[DSR\] routing method/);
  });

  const cases = allLabs().flatMap(([name, make]) => exportKeepalived(make()).map((f): [string, string, string] => [`${name}: ${f.node}`, f.node, f.text]));
  it.each(cases)('%s passes keepalived -t', (label, node, text) => {
    const file = join(tmp, `${label.replace(/\W+/g, '-')}-${node}.conf`);
    writeFileSync(file, text);
    const r = configTest(file, text);
    const complaints = r.isolated ? r.lines : r.lines.filter((l) => !NO_IFACE.test(l));
    expect(complaints).toEqual([]);
    if (r.isolated || complaints.length === r.lines.length) expect(r.status).toBe(0);
  });
});
