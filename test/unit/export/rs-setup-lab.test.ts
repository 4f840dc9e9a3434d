/**
 * The exported real-server scripts do the job: on a lab whose real servers were left bare
 * (no VIP, no sysctls, no ipip, no route to the director), each script's commands, typed
 * into the lab's shell on its server, are accepted and make every client request succeed.
 */
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { PRESETS } from '../../../src/core/scenario/presets';
import { Shell } from '../../../src/core/shell/shell';
import { exportRsSetup } from '../../../src/core/export/rs-setup';

/** The preset with its real servers as they come: eth0 and its address only (NAT: no routes either). */
function bare(preset: string) {
  const s = PRESETS[preset]!();
  for (const n of s.nodes) {
    if (n.kind !== 'rs') continue;
    n.ifaces = (n.ifaces ?? []).filter((f) => f.name === 'eth0');
    n.sysctl = {};
    n.modules = [];
    if (preset.startsWith('nat')) n.routes = [];
  }
  return s;
}

describe('rs-setup scripts in the lab', () => {
  it.each(['dr', 'tun', 'nat', 'dr-ha', 'nat-ha'])('%s: bare real servers fail or stay silent; after their scripts every request succeeds', (preset) => {
    const scripts = exportRsSetup(Lab.of(PRESETS[preset]!()));
    const before = Lab.of(bare(preset));
    before.advance(15_000_000);
    expect(before.traffic!.stats.ok).toBe(0);

    const lab = Lab.of(bare(preset));
    for (const f of scripts) {
      const sh = new Shell(lab, { node: f.node });
      // Every command as a learner would type it (`set -e` is for a real sh running the file).
      for (const cmd of f.text.split('\n').filter((l) => l && !l.startsWith('#') && l !== 'set -e')) {
        const r = sh.run(cmd);
        expect({ cmd, exit: r.exit, output: r.output }).toMatchObject({ cmd, exit: 0 });
      }
    }
    lab.advance(15_000_000);
    const t = lab.traffic!.stats;
    expect(t.ok).toBeGreaterThan(50);
    expect(t.failed).toBe(0);
    expect([...t.byServer.keys()].sort()).toEqual(['rs1', 'rs2', 'rs3']);
  });
});
