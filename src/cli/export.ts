/**
 * `lab export keepalived|ldirectord|ipvsadm|rs-setup [--preset P | --scenario FILE] [--node NAME] [--at 30s]`:
 * print the configuration a real machine needs to run the lab — per director its
 * keepalived.conf, ldirectord.cf or ipvsadm-save rules; per real server its set-up script.
 *
 * Each file is headed by a `# NODE` comment line; with --node only that node's file is
 * printed, as it is, ready to redirect into a file. --at first runs the lab for that long,
 * so timed scenario events (commands, shell lines) have changed it.
 */
import type { Lab } from '../core/lab';
import { PRESETS } from '../core/scenario/presets';
import { exportIpvsadm } from '../core/export/ipvsadm-save';
import { exportKeepalived } from '../core/export/keepalived';
import { exportLdirectord } from '../core/export/ldirectord';
import { exportRsSetup } from '../core/export/rs-setup';
import type { ExportFile } from '../core/export/lab-facts';
import { durationArg, labArg } from './args';
import type { Io } from './io';

const FORMATS: Record<string, (lab: Lab) => ExportFile[]> = {
  keepalived: exportKeepalived,
  ldirectord: exportLdirectord,
  ipvsadm: exportIpvsadm,
  'rs-setup': exportRsSetup,
};

const USAGE = 'usage: lab export keepalived|ldirectord|ipvsadm|rs-setup [--preset P | --scenario FILE] [--node NAME] [--at 30s]';

export function runExport(argv: string[], io: Io): number {
  const [format, ...rest] = argv;
  if (format === '-h' || format === '--help') {
    io.out(USAGE);
    return 0;
  }
  const exporter = format === undefined ? undefined : FORMATS[format];
  if (!exporter) {
    io.err(format === undefined ? USAGE : `lab export: unknown format ${format} (keepalived, ldirectord, ipvsadm, rs-setup)`);
    return 2;
  }
  let source: string | undefined;
  let node: string | undefined;
  let atUs = 0;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = rest[i + 1];
    if (a === '--preset' || a === '--scenario') {
      if (source !== undefined) {
        io.err('lab export: give one --preset or --scenario');
        return 2;
      }
      if (!value) {
        io.err(`lab export: ${a} needs a ${a === '--preset' ? `preset name (${Object.keys(PRESETS).join(', ')})` : 'file name'}`);
        return 2;
      }
      if (a === '--preset' && !PRESETS[value]) {
        io.err(`lab export: no preset ${value} (presets: ${Object.keys(PRESETS).join(', ')})`);
        return 2;
      }
      source = value;
      i++;
    } else if (a === '--node') {
      if (!value) {
        io.err('lab export: --node needs a node name');
        return 2;
      }
      node = value;
      i++;
    } else if (a === '--at') {
      const v = durationArg(value, 'lab export: --at', io);
      if (v === undefined) return 2;
      atUs = v;
      i++;
    } else {
      io.err(`lab export: unexpected argument ${a}`);
      io.err(USAGE);
      return 2;
    }
  }
  source ??= 'dr';
  const lab = labArg(source, io);
  if (!lab) return 2;
  if (atUs > 0) lab.advance(atUs);

  const files = exporter(lab);
  if (files.length === 0) {
    io.err(`lab export: the lab has no ${format === 'rs-setup' ? 'real servers behind an IPVS service' : 'director (no node runs IPVS)'}`);
    return 1;
  }
  if (node !== undefined) {
    const f = files.find((x) => x.node === node);
    if (!f) {
      io.err(`lab export: no ${format} file for ${node} (there is one for: ${files.map((x) => x.node).join(', ')})`);
      return 2;
    }
    print(io, f.text);
    return 0;
  }
  files.forEach((f, i) => {
    if (i > 0) io.out('');
    io.out(`# ${f.node}`);
    print(io, f.text);
  });
  return 0;
}

/** A file's text, line by line (it ends with a newline). */
function print(io: Io, text: string): void {
  for (const l of text.replace(/\n$/, '').split('\n')) io.out(l);
}
