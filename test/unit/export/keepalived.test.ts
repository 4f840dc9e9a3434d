/**
 * keepalived.conf: the export for each lab, keepalived's block syntax, and the import of
 * virtual_server blocks back into a director (round trip, keepalived's defaults, errors).
 */
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { PRESETS } from '../../../src/core/scenario/presets';
import { exportKeepalived } from '../../../src/core/export/keepalived';
import { importKeepalived } from '../../../src/core/export/import-keepalived';
import { parseKeepalivedConf } from '../../../src/core/export/keepalived-conf';
import { ipvsadm } from '../../../src/core/shell/ipvsadm/index';
import { ipvsadmEnv } from '../../../src/core/export/lab-facts';
import { allLabs, twoDirectorDr, freshDirectors, kitchenSinkLab, twoDirectorNat, saveN } from './labs';

const HTTP_RS = (ip: string) => [
  `    real_server ${ip} 80 {`,
  '        weight 1',
  '        HTTP_GET {',
  '            url {',
  '                path /',
  '                status_code 200',
  '            }',
  '            connect_timeout 3',
  '            retry 2',
  '            delay_before_retry 2',
  '        }',
  '    }',
];

describe('export keepalived', () => {
  it('dr: keepalived.conf, exactly', () => {
    const files = exportKeepalived(Lab.of(PRESETS.dr!()));
    expect(files.map((f) => [f.node, f.name])).toEqual([['director', 'keepalived.conf']]);
    expect(files[0]!.text).toBe(
      [
        '! keepalived.conf for director, exported by LVS Lab from the lab "dr".',
        '! Check it with: keepalived -t -f keepalived.conf',
        '',
        'global_defs {',
        '    router_id director',
        '}',
        '',
        'virtual_server 192.168.10.100 80 {',
        '    delay_loop 6',
        '    lb_algo rr',
        '    lb_kind DR',
        '    protocol TCP',
        '',
        ...HTTP_RS('192.168.10.11'),
        '',
        ...HTTP_RS('192.168.10.12'),
        '',
        ...HTTP_RS('192.168.10.13'),
        '}',
        '',
      ].join('\n'),
    );
  });

  it('nat and tun: the same shape with lb_kind NAT / TUN and their real servers', () => {
    const nat = exportKeepalived(Lab.of(PRESETS.nat!()))[0]!.text;
    expect(nat).toContain('virtual_server 172.16.0.100 80 {\n    delay_loop 6\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n');
    for (const i of [11, 12, 13]) expect(nat).toContain(`    real_server 192.168.10.${i} 80 {\n        weight 1\n        HTTP_GET {`);
    expect(nat).not.toContain('vrrp_instance');
    const tun = exportKeepalived(Lab.of(PRESETS.tun!()))[0]!.text;
    expect(tun).toContain('    lb_kind TUN\n');
    for (const i of [1, 2, 3]) expect(tun).toContain(`    real_server 10.${i}.0.11 80 {`);
  });

  it('two directors: a vrrp_instance, MASTER 150 on the first and BACKUP 100 on the second', () => {
    const files = exportKeepalived(Lab.of(twoDirectorDr()));
    expect(files.map((f) => f.node)).toEqual(['director1', 'director2']);
    const vrrp = (state: string, prio: number) =>
      [
        'vrrp_instance VI_1 {',
        `    state ${state}`,
        '    interface eth0',
        '    virtual_router_id 51',
        `    priority ${prio}`,
        '    advert_int 1',
        '    virtual_ipaddress {',
        '        192.168.10.100/32 dev eth0 label eth0:0',
        '    }',
        '}',
      ].join('\n');
    expect(files[0]!.text).toContain(vrrp('MASTER', 150));
    expect(files[1]!.text).toContain(vrrp('BACKUP', 100));
    expect(files[0]!.text).toContain('    router_id director1\n');
    // Both directors configure the same virtual servers; only the VRRP part differs.
    const lvs = (t: string) => t.slice(t.indexOf('virtual_server'));
    expect(lvs(files[0]!.text)).toBe(lvs(files[1]!.text));
  });

  it('two NAT directors: the real servers\' gateway floats with the VIP', () => {
    const text = exportKeepalived(Lab.of(twoDirectorNat()))[0]!.text;
    expect(text).toContain('    virtual_ipaddress {\n        172.16.0.100/32 dev eth0 label eth0:0\n        192.168.10.1/24 dev eth1\n    }\n');
  });

  it.each(['dr-ha', 'nat-ha'])('%s: directors running the lab\'s keepalived export the configuration they run', (preset) => {
    const scenario = PRESETS[preset]!();
    const files = exportKeepalived(Lab.of(scenario));
    expect(files.map((f) => f.node)).toEqual(['director1', 'director2']);
    for (const f of files) {
      const own = scenario.nodes.find((n) => n.name === f.node)!.keepalived!;
      expect(f.text).toBe(`! keepalived.conf of ${f.node}, as the lab's keepalived runs it (exported by LVS Lab from the lab "${preset}").\n! Check it with: keepalived -t -f keepalived.conf\n\n${own}${own.endsWith('\n') ? '' : '\n'}`);
    }
    expect(files[0]!.text).toMatch(/state MASTER\n[^]*priority 150\n/);
    expect(files[1]!.text).toMatch(/state BACKUP\n[^]*priority 100\n/);
  });

  it('every IPVS setting that keepalived can express', () => {
    const text = exportKeepalived(kitchenSinkLab())[0]!.text;
    expect(text).toContain('virtual_server 192.168.10.100 443 {\n    delay_loop 6\n    lb_algo sh\n    lb_kind DR\n    sh-fallback\n    sh-port\n    persistence_timeout 300\n    persistence_granularity 255.255.255.0\n    protocol TCP\n');
    expect(text).toContain('virtual_server 192.168.10.100 53 {\n    delay_loop 6\n    lb_algo rr\n    lb_kind NAT\n    ops\n    protocol UDP\n');
    expect(text).toContain('    real_server 192.168.10.11 5353 {\n        weight 1\n        ! no health check');
    // A fwmark service: no protocol line (keepalived ignores and warns), DR real servers on port 0, checked on the web port.
    expect(text).toContain('virtual_server fwmark 7 {\n    delay_loop 6\n    lb_algo wrr\n    lb_kind DR\n    persistence_timeout 600\n\n    real_server 192.168.10.11 0 {');
    expect(text).toContain('            connect_port 80\n');
    // Weight 0, thresholds, and a real server whose method differs from its virtual server's.
    expect(text).toContain('    real_server 192.168.10.12 80 {\n        weight 0\n        uthreshold 100\n        lthreshold 10\n');
    expect(text).toContain('    real_server 192.168.10.13 80 {\n        weight 2\n        lvs_method TUN type gue port 6080 csum\n');
    // TCP without the lab's web server on that port: TCP_CHECK.
    expect(text).toContain('    real_server 192.168.10.11 443 {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n');
  });

  it('a service without real servers is left out, with a comment (keepalived would ignore it)', () => {
    const lab = Lab.of(PRESETS.dr!());
    ipvsadm(['-A', '-t', '192.168.10.100:8080', '-s', 'lc'], ipvsadmEnv(lab.nodes.get('director')!.ipvs!));
    const text = exportKeepalived(lab)[0]!.text;
    expect(text).toContain('! TCP 192.168.10.100:8080 has no real servers: keepalived would ignore it, so it is left out.\n');
    expect(text).not.toContain('virtual_server 192.168.10.100 8080');
  });
});

describe("keepalived's block syntax", () => {
  it('keywords, values, nesting, # and ! comments, quotes, glued braces, Allman braces', () => {
    const r = parseKeepalivedConf(
      [
        '! a comment',
        'global_defs {   # another',
        '    router_id "LVS one"',
        '}',
        'virtual_server 10.0.0.1 80{',
        '  real_server 10.0.0.2 80',
        '  {',
        '     weight 2 ! trailing comment',
        '     TCP_CHECK { connect_timeout 3 }',
        '  }',
        '}',
      ].join('\n'),
    );
    expect(r).toEqual({
      ok: true,
      nodes: [
        { words: ['global_defs'], line: 2, block: [{ words: ['router_id', 'LVS one'], line: 3 }] },
        {
          words: ['virtual_server', '10.0.0.1', '80'],
          line: 5,
          block: [
            {
              words: ['real_server', '10.0.0.2', '80'],
              line: 6,
              block: [
                { words: ['weight', '2'], line: 8 },
                { words: ['TCP_CHECK'], line: 9, block: [{ words: ['connect_timeout', '3'], line: 9 }] },
              ],
            },
          ],
        },
      ],
    });
  });

  it.each([
    ['virtual_server 10.0.0.1 80 {\n  lb_algo rr\n', /^line 1: "virtual_server 10\.0\.0\.1 80 \{" is never closed/],
    ['virtual_server 10.0.0.1 80 {\n}\n}\n', /^line 3: unexpected '\}'/],
    ['{\n}\n', /^line 1: '\{' without a keyword/],
    ['include /etc/keepalived/lvs.conf\n', /^line 1: include is not supported/],
    ['global_defs {\n  router_id "open\n}\n', /^line 2: unterminated "quoted string"/],
  ])('%j: %s', (text, error) => {
    const r = parseKeepalivedConf(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe('import keepalived', () => {
  it.each(allLabs())('%s: export, then import onto a fresh director, gives the same ipvsadm -Sn and thresholds', (_name, make) => {
    const lab = make();
    const fresh = freshDirectors(lab);
    for (const f of exportKeepalived(lab)) {
      const r = importKeepalived(fresh.nodes.get(f.node)!.ipvs!, f.text);
      expect(r).toMatchObject({ ok: true });
      expect(saveN(fresh, f.node)).toBe(saveN(lab, f.node));
      // -S leaves thresholds out; --thresholds shows them (and no connections: neither lab has run).
      const thresholds = (l: Lab) => ipvsadm(['-L', '-n', '--thresholds'], ipvsadmEnv(l.nodes.get(f.node)!.ipvs!)).stdout;
      expect(thresholds(fresh)).toBe(thresholds(lab));
    }
  });

  it.each(Object.keys(PRESETS))("%s: the exported file runs in the lab's keepalived, which builds the same table", (preset) => {
    const lab = Lab.of(PRESETS[preset]!());
    const files = exportKeepalived(lab);
    const s = structuredClone(lab.scenario);
    for (const f of files) {
      const d = s.nodes.find((n) => n.name === f.node)!;
      d.ipvs = { services: [] };
      d.keepalived = f.text;
    }
    const withKa = Lab.of(s);
    for (const f of files) expect(saveN(withKa, f.node)).toBe(saveN(lab, f.node));
  });

  it('one virtual_server block: lb_algo → -s, lb_kind → -g/-m/-i, persistence_timeout → -p, weights', () => {
    const lab = freshDirectors(Lab.of(PRESETS.dr!()));
    const ipvs = lab.nodes.get('director')!.ipvs!;
    const r = importKeepalived(
      ipvs,
      `virtual_server 192.168.10.100 443 {
    delay_loop 10
    lb_algo wrr
    lb_kind DR
    persistence_timeout 600
    protocol TCP
    real_server 192.168.10.11 443 {
        weight 5
        TCP_CHECK { connect_timeout 3 }
    }
    real_server 192.168.10.12 443 {
        weight 2
        lvs_method NAT
    }
}`,
    );
    expect(r).toEqual({
      ok: true,
      rules: ['-A -t 192.168.10.100:443 -s wrr -p 600', '-a -t 192.168.10.100:443 -r 192.168.10.11:443 -g -w 5', '-a -t 192.168.10.100:443 -r 192.168.10.12:443 -m -w 2'],
      warnings: [],
    });
    expect(saveN(lab, 'director')).toBe(
      '-A -t 192.168.10.100:443 -s wrr -p 600\n-a -t 192.168.10.100:443 -r 192.168.10.11:443 -g -w 5\n-a -t 192.168.10.100:443 -r 192.168.10.12:443 -m -w 2\n',
    );
  });

  it("keepalived's defaults and corrections, reported as warnings", () => {
    const lab = freshDirectors(Lab.of(PRESETS.dr!()));
    const r = importKeepalived(
      lab.nodes.get('director')!.ipvs!,
      `virtual_server 192.168.10.100 0 {
    real_server 192.168.10.11 {
        weight 3
    }
    real_server 192.168.10.11 {
    }
    quorum 2
    frobnicate yes
}
virtual_server 192.168.10.100 25 {
    lb_algo rr
    protocol TCP
}
virtual_server 192.168.10.100 80 {
    lb_kind DR
    protocol TCP
    real_server 192.168.10.12 8080 {
    }
}`,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // The import reads with the lab keepalived's reader, so the warnings are in keepalived's
    // words (check_data.c validate_check_config, in its order), as the lab's keepalived logs them.
    expect(r.warnings).toEqual([
      "line 8: Unknown keyword 'frobnicate'",
      'line 1: virtual_server 192.168.10.100 0: no protocol set - defaulting to UDP',
      'line 1: virtual_server 192.168.10.100 0: zero port only valid for persistent services - setting persistence 360',
      "line 1: virtual_server 192.168.10.100 0: no scheduler set, setting default 'wlc'",
      'line 1: virtual_server 192.168.10.100 0: no forwarding method set, setting default NAT',
      'line 5: real server 192.168.10.11:0 is duplicated - removing second rs',
      'line 10: virtual_server 192.168.10.100 25 has no real servers - ignoring',
      "line 14: virtual_server 192.168.10.100 80: no scheduler set, setting default 'wlc'",
      "line 17: virtual_server 192.168.10.100 80 and real server 192.168.10.12:8080 ports don't match - resetting (DR uses the virtual port)",
    ]);
    expect(saveN(lab, 'director')).toBe(
      '-A -t 192.168.10.100:80 -s wlc\n-a -t 192.168.10.100:80 -r 192.168.10.12:80 -g -w 1\n' +
        '-A -u 192.168.10.100:0 -s wlc -p 360\n-a -u 192.168.10.100:0 -r 192.168.10.11:0 -m -w 3\n',
    );
  });

  it('an existing virtual server is replaced, the others kept; lvs_flush clears the table first', () => {
    const lab = Lab.of(PRESETS.dr!());
    const ipvs = lab.nodes.get('director')!.ipvs!;
    ipvsadm(['-A', '-u', '192.168.10.100:53', '-s', 'rr'], ipvsadmEnv(ipvs));
    const block = 'virtual_server 192.168.10.100 80 {\n lb_algo lc\n lb_kind DR\n protocol TCP\n real_server 192.168.10.13 80 {\n weight 4\n }\n}\n';
    const r = importKeepalived(ipvs, block);
    expect(r.ok && r.rules[0]).toBe('-D -t 192.168.10.100:80');
    expect(r.ok && r.warnings).toEqual(['line 1: virtual_server 192.168.10.100 80 replaces the existing service']);
    expect(saveN(lab, 'director')).toBe('-A -t 192.168.10.100:80 -s lc\n-a -t 192.168.10.100:80 -r 192.168.10.13:80 -g -w 4\n-A -u 192.168.10.100:53 -s rr\n');
    const f = importKeepalived(ipvs, `global_defs {\n lvs_flush\n}\n${block.replace('lc', 'sed')}`);
    expect(f.ok && f.rules[0]).toBe('-C');
    expect(saveN(lab, 'director')).toBe('-A -t 192.168.10.100:80 -s sed\n-a -t 192.168.10.100:80 -r 192.168.10.13:80 -g -w 4\n');
  });

  const VS = (body: string, head = '192.168.10.100 80') => `virtual_server ${head} {\n    lb_algo rr\n    lb_kind DR\n    protocol TCP\n${body}\n}\n`;
  const RS = 'real_server 192.168.10.11 80 {\n weight 1\n}';
  const bad: [string, string, RegExp][] = [
    ['unbalanced braces', VS(RS).replace(/}\n$/, ''), /^keepalived\.conf: line 1: .* is never closed/],
    ['an unknown lb_kind', VS(RS).replace('lb_kind DR', 'lb_kind DSR'), /^keepalived\.conf: line 3: lb_kind: unknown forwarding method "DSR" \(NAT, DR or TUN\)$/],
    // keepalived's proto_handler compares with strcasecmp: `protocol tcp` is TCP; an unknown one is refused.
    ['an unknown protocol', VS(RS).replace('protocol TCP', 'protocol ICMP'), /^keepalived\.conf: line 4: protocol must be TCP, UDP or SCTP, not "ICMP"$/],
    ['a weight ipvsadm cannot set', VS(RS.replace('weight 1', 'weight 100000')), /^keepalived\.conf: line 6: weight: a weight must be an integer from 0 to 65535, not "100000"$/],
    ['a bad real server address', VS('real_server 192.168.10.300 80 {\n}'), /^keepalived\.conf: line 5: real_server: "192\.168\.10\.300" is not an IP address$/],
    ['a bad persistence timeout', VS(`persistence_timeout forever\n${RS}`), /^keepalived\.conf: line 5: persistence_timeout: a timeout in seconds must be an integer/],
    ['a virtual server group', 'virtual_server group web {\n}\n', /^keepalived\.conf: line 1: virtual_server group is not supported/],
    ['no virtual_server at all', 'global_defs {\n router_id x\n}\n', /^keepalived\.conf: no virtual_server block with real servers to import$/],
    // keepalived checks the name against its list of the kernel's schedulers (check_parser.c lbalgo_handler),
    // before ipvsadm would; ipvsadm's own errors still come through (the next case).
    ['a scheduler the kernel lacks', VS(RS).replace('lb_algo rr', 'lb_algo fastest'), /^keepalived\.conf: line 2: lb_algo: unknown scheduler "fastest" \(rr, wrr, /],
    ['a second block failing after a good one', VS(RS) + VS(RS.replace('192.168.10.11', '224.0.0.1'), '192.168.10.100 81'), /^keepalived\.conf line 9: .*-r 224\.0\.0\.1:81 .*: Invalid operation/],
  ];

  it.each(bad)('%s: a clear error and the director is unchanged', (_what, text, error) => {
    const lab = Lab.of(PRESETS.dr!());
    const before = saveN(lab, 'director');
    const r = importKeepalived(lab.nodes.get('director')!.ipvs!, text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
    expect(saveN(lab, 'director')).toBe(before);
  });
});
