import { Lab } from '../src/core/lab';
import { drHaPreset } from '../src/core/scenario/ha-presets';
import { ip, ipStr } from '../src/core/net/addr';
import { httpRequest } from '../src/core/apps/http';
const lab = Lab.of({ ...drHaPreset({}), events: [] });
lab.advance(6e6);
lab.world.trace.subscribe((e) => {
  if (e.type === 'ctl' && !['neigh','addr','vrrp.garp.tx','check'].includes(e.what)) console.log((e.t/1e6).toFixed(3), e.node, e.what, e.text);
  if ((e.type === 'dev.rx' ) && e.frame.ip?.l4.kind === 'tcp' && (e.frame.ip.src === ip('203.0.113.10') || e.frame.ip.dst === ip('203.0.113.10'))) { const t = e.frame.ip.l4; console.log((e.t/1e6).toFixed(3), e.node, e.dev, ipStr(e.frame.ip.src)+':'+t.sport, '>', ipStr(e.frame.ip.dst)+':'+t.dport, 'flags', t.flags.toString(16), 'len', t.plen, e.frame.dst); }
  if (e.type === 'drop' ) console.log((e.t/1e6).toFixed(3), e.node, 'DROP', e.reason, e.text);
});
const host = lab.host('client1');
let err: any;
const sock = host.tcp.connect(ip('192.168.10.100'), 80, { onConnected: (s) => { const r = httpRequest('x'); s.send(r.data, r.len); }, onData: (_s, d) => { if (d?.app==='http-resp') console.log('ANSWER', (lab.now/1e6).toFixed(3), d.body.trim()); }, onClosed: (_s, e) => { err = e; console.log('CLOSED', e); } });
const tick = () => { if (sock!.state === 'ESTABLISHED') { const r = httpRequest('x'); sock!.send(r.data, r.len); } lab.world.engine.after(1e6, tick); };
lab.world.engine.after(1e6, tick);
lab.advance(10e6);
lab.apply({ type: 'power', node: 'director1', on: false });
lab.advance(12e6);
