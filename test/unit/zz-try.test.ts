import { it } from 'vitest';
import { presetShell } from './shell/fixtures';
it('x', () => {
  const sh = presetShell('dr', 'client1');
  sh.run('ssh rs2 systemctl stop nginx');
  console.log(sh.run('ab -n 30 -c 3 http://192.168.10.100/').output);
  console.log(sh.run('ab -r -n 30 -c 3 http://192.168.10.100/').output);
  console.log(sh.run('ab -r -l -v 1 -n 30 -c 3 http://192.168.10.100/').output);
});
