/**
 * The shell itself: parsing, prompts, ssh/exit, history, pipes, redirections, heredocs,
 * variables, jobs, bad input. Tools are tested in commands/.
 */
import { describe, expect, it } from 'vitest';
import { parse, shownName } from '../../../src/core/shell/words';
import { Shell } from '../../../src/core/shell/shell';
import { Lab } from '../../../src/core/lab';
import { presetShell } from './fixtures';

describe('words: the parser', () => {
  it('splits words, honours quotes and escapes', () => {
    const r = parse(`echo 'a b' "c $X d" e\\ f # comment`);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    const cmd = r.script[0]!.first.cmds[0]!;
    expect(cmd.words).toHaveLength(4);
    expect(cmd.words[1]!.segs).toEqual([{ t: 'lit', s: 'a b' }]);
    expect(cmd.words[2]!.segs).toEqual([{ t: 'lit', s: 'c ' }, { t: 'var', name: 'X', quoted: true }, { t: 'lit', s: ' d' }]);
    expect(cmd.words[3]!.segs).toEqual([{ t: 'raw', s: 'e' }, { t: 'lit', s: ' ' }, { t: 'raw', s: 'f' }]);
  });

  it('operators, redirections and heredocs', () => {
    const r = parse('a | b && c || d; e & f 2>&1 >> out < in <<EOF');
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.script).toHaveLength(3);
    expect(r.script[0]!.first.cmds).toHaveLength(2);
    expect(r.script[0]!.rest.map((x) => x.op)).toEqual(['&&', '||']);
    expect(r.script[1]!.background).toBe(true);
    expect(r.script[2]!.first.cmds[0]!.redirs.map((x) => `${x.fd}${x.op}`)).toEqual(['2>&', '1>>', '0<', '0<<']);
    expect(r.heredocs).toEqual([{ delim: 'EOF', expand: true, stripTabs: false, body: undefined }]);
  });

  it('asks for more input, or reports bash syntax errors', () => {
    expect(parse('echo "open')).toEqual({ kind: 'more', quote: '"' });
    expect(parse("echo 'open")).toEqual({ kind: 'more', quote: "'" });
    expect(parse('echo a |')).toEqual({ kind: 'more' });
    expect(parse('echo a \\')).toEqual({ kind: 'more' });
    expect(parse('| a')).toEqual({ kind: 'error', message: "syntax error near unexpected token `|'" });
    expect(parse('echo >')).toEqual({ kind: 'error', message: "syntax error near unexpected token `newline'" });
    expect(parse('a ;; b')).toEqual({ kind: 'error', message: "syntax error near unexpected token `;;'" });
    expect(parse('(a)')).toEqual({ kind: 'error', message: "syntax error near unexpected token `('" });
  });

  it('shows control characters in names the way bash does', () => {
    expect(shownName('foo')).toBe('foo');
    expect(shownName('\x01foo\t')).toBe("$'\\001foo\\t'");
  });
});

describe('Shell: sessions', () => {
  it('starts on the director with a root prompt; ssh moves, exit comes back', () => {
    const sh = presetShell('dr');
    expect(sh.node).toBe('director');
    expect(sh.prompt).toBe('[root@director ~]# ');
    expect(sh.run('ssh rs2')).toEqual({ output: '', exit: 0 });
    expect(sh.prompt).toBe('[root@rs2 ~]# ');
    expect(sh.run('hostname').output).toBe('rs2\n');
    expect(sh.run('exit')).toEqual({ output: 'logout\nConnection to rs2 closed.\n', exit: 0 });
    expect(sh.prompt).toBe('[root@director ~]# ');
    expect(sh.run('ssh rs1 hostname')).toEqual({ output: 'rs1\n', exit: 0 });
    expect(sh.node).toBe('director');
    expect(sh.run('ssh 192.168.10.13 hostname').output).toBe('rs3\n');
  });

  it('ssh errors', () => {
    const sh = presetShell('dr');
    expect(sh.run('ssh nowhere')).toEqual({ output: 'ssh: Could not resolve hostname nowhere: Name or service not known\n', exit: 255 });
    sh.run('lab power off rs1');
    expect(sh.run('ssh rs1')).toEqual({ output: 'ssh: connect to host rs1 port 22: No route to host\n', exit: 255 });
    expect(sh.run('ssh bob@rs2')).toEqual({ output: 'bob@rs2: Permission denied (publickey).\n', exit: 255 });
  });

  it('a node powered off under an ssh session drops it', () => {
    const sh = presetShell('dr');
    sh.run('ssh rs1');
    expect(sh.run('lab power off rs1').output).toBe('Connection to rs1 closed by remote host.\nConnection to rs1 closed.\n');
    expect(sh.node).toBe('director');
  });

  it('exit status of a remote session comes back; $? reads it', () => {
    const sh = presetShell('dr');
    sh.run('ssh rs1');
    expect(sh.run('exit 3').exit).toBe(3);
    expect(sh.run('echo $?').output).toBe('3\n');
  });

  it('history is per node, ignores repeats and lines starting with a space', () => {
    const sh = presetShell('dr');
    sh.run('hostname');
    sh.run('hostname');
    sh.run(' secret');
    sh.run('ip route');
    expect(sh.run('history').output).toBe('    1  hostname\n    2  ip route\n    3  history\n');
    sh.run('ssh rs1');
    expect(sh.run('history').output).toBe('    1  history\n');
    expect(sh.history()).toEqual(['history']);
  });

  it('clear, help', () => {
    const sh = presetShell('dr');
    expect(sh.run('clear').output).toBe('\x1b[H\x1b[2J\x1b[3J');
    const h = sh.run('help').output;
    for (const cmd of ['ip', 'sysctl', 'curl', 'ping', 'tcpdump', 'ipvsadm', 'nc', 'ab', 'systemctl', 'lab', 'ssh', 'arp', 'modprobe']) expect(h).toContain(`  ${cmd} `);
  });

  it('completes commands, nodes and paths', () => {
    const sh = presetShell('dr');
    expect(sh.complete('ipv')).toEqual(['ipvsadm', 'ipvsadm-restore', 'ipvsadm-save']);
    expect(sh.complete('ssh r')).toEqual(['router', 'rs1', 'rs2', 'rs3']);
    expect(sh.complete('cat /proc/sys/net/ipv4/ip_f')).toEqual(['/proc/sys/net/ipv4/ip_forward']);
  });

  it('sets lab.shellRunner: scenario shell events run on their node, output to the trace', () => {
    const s = presetShell('dr').lab.scenario;
    const lab = Lab.of({ ...s, traffic: undefined, events: [{ at: '1s', cmd: { type: 'shell', node: 'rs1', line: 'ip link set eth0 down' } }] });
    new Shell(lab);
    const seen: string[] = [];
    lab.world.trace.subscribe((ev) => {
      if (ev.type === 'ctl' && ev.what === 'shell') seen.push(ev.text);
    });
    lab.advance(2_000_000);
    expect(lab.host('rs1').iface('eth0')!.adminUp).toBe(false);
    expect(seen).toEqual(['# ip link set eth0 down']);
    expect(lab.log.map((e) => e.cmd.type)).toEqual(['shell']);
  });
});

describe('Shell: syntax', () => {
  it('pipes, grep, && and ||, variables, $(...)', () => {
    const sh = presetShell('dr');
    expect(sh.run('ip addr | grep "inet " | wc -l').output).toBe('3\n');
    expect(sh.run('false && echo no || echo yes').output).toBe('yes\n');
    expect(sh.run('true; echo $?').output).toBe('0\n');
    expect(sh.run('X=eth0; ip -4 addr show dev $X | head -1').output).toMatch(/^2: eth0@if4: /);
    expect(sh.run('echo "I am $(hostname) in $HOME"').output).toBe('I am director in /root\n');
    expect(sh.run("echo '$HOME' \\$HOME ~").output).toBe('$HOME $HOME /root\n');
  });

  it('redirects to files, appends, reads back; 2>&1 and /dev/null', () => {
    const sh = presetShell('dr');
    expect(sh.run('echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f').output).toBe('one\ntwo\n');
    expect(sh.run('cat /nope 2>/dev/null; echo $?').output).toBe('1\n');
    expect(sh.run('cat /nope 2>&1 | wc -l').output).toBe('1\n');
    expect(sh.run('echo x > /etc/nodir/file')).toEqual({ output: 'bash: /etc/nodir/file: No such file or directory\n', exit: 1 });
    expect(sh.run('wc -l < /tmp/f').output).toBe('2\n');
  });

  it('heredocs write keepalived.conf across lines; the prompt continues with >', () => {
    const sh = presetShell('dr');
    expect(sh.run('cat > /etc/keepalived/keepalived.conf <<EOF')).toEqual({ output: '', exit: 0 });
    expect(sh.prompt).toBe('> ');
    sh.run('vrrp_instance VI_1 {');
    sh.run('    interface $IF');
    sh.run('}');
    expect(sh.run('EOF').exit).toBe(0);
    expect(sh.prompt).toBe('[root@director ~]# ');
    expect(sh.run('cat /etc/keepalived/keepalived.conf').output).toBe('vrrp_instance VI_1 {\n    interface \n}\n');
    // Quoted delimiter: no expansion; several lines in one run() call.
    expect(sh.run("cat <<'X'\n$HOME\nX").output).toBe('$HOME\n');
  });

  it('a quote left open continues on the next line', () => {
    const sh = presetShell('dr');
    expect(sh.run('echo "a')).toEqual({ output: '', exit: 0 });
    expect(sh.prompt).toBe('> ');
    expect(sh.run('b"').output).toBe('a\nb\n');
    sh.run("echo 'never closed");
    expect(sh.cancel()).toEqual({ output: '^C\n', exit: 130 });
    expect(sh.prompt).toBe('[root@director ~]# ');
  });

  it('unknown commands: 127, as bash prints them', () => {
    const sh = presetShell('dr');
    expect(sh.run('foo')).toEqual({ output: 'bash: foo: command not found\n', exit: 127 });
    expect(sh.run('foo bar | cat')).toEqual({ output: 'bash: foo: command not found\n', exit: 0 });
    expect(sh.run('\x01x')).toEqual({ output: "bash: $'\\001x': command not found\n", exit: 127 });
    expect(sh.run('| x')).toEqual({ output: "bash: syntax error near unexpected token `|'\n", exit: 2 });
  });

  it('absurd input never throws', () => {
    const sh = presetShell('dr');
    const inputs = [
      'x'.repeat(100_000),
      'echo ' + '"a" '.repeat(20_000),
      '\x00\x01\x02\x1b[31m\x7f',
      'ping -c 99999999999999999999999 -i 0 -s 99999999 1.2.3.4',
      'ip addr add 999.999.999.999/99 dev ' + 'e'.repeat(5000),
      'sysctl -w ' + 'a.'.repeat(10_000) + '=1',
      'curl -m 1e309 http://' + '9'.repeat(300) + '/',
      'ab -n 99999999999 -c 0 http://1.1.1.1/',
      '$(((((((((',
      "'''''''''''\"\"\"\"\"\"",
      'lab advance 99999999h',
      'tcpdump -c 1 -i eth0 ' + '('.repeat(1000),
      'echo ' + '$('.repeat(50) + ')'.repeat(50),
      'ipvsadm ' + '-A '.repeat(1000),
      ';;;;;;&&&&||||',
      'nc -l -p 99999999',
    ];
    for (const line of inputs) {
      const r = sh.run(line);
      expect(typeof r.output).toBe('string');
      expect(Number.isInteger(r.exit)).toBe(true);
      sh.cancel();
    }
    expect(sh.run('hostname').output).toBe('director\n');
  });
});

describe('Shell: jobs and time', () => {
  it('sleep runs the simulation; timeout bounds a command (124)', () => {
    const sh = presetShell('dr');
    const t0 = sh.lab.now;
    expect(sh.run('sleep 2.5').exit).toBe(0);
    expect(sh.lab.now - t0).toBe(2_500_000);
    expect(sh.run('timeout 3 sleep 10').exit).toBe(124);
    expect(sh.lab.now - t0).toBe(5_500_000);
    expect(sh.run('timeout 1 foo')).toEqual({ output: "timeout: failed to run command 'foo': No such file or directory\n", exit: 127 });
    expect(sh.run('sleep x')).toEqual({ output: "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n", exit: 1 });
  });

  it('a command without a background form still reports [N] and Done', () => {
    const sh = presetShell('dr');
    expect(sh.run('hostname &').output).toMatch(/^\[1\] \d+\ndirector\n\[1\]\+ {2}Done {20}hostname\n$/);
  });

  it('jobs lists background jobs; kill ends them', () => {
    const sh = presetShell('dr', 'rs1');
    expect(sh.run('tcpdump -n -i eth0 &').output).toMatch(/^\[1\] \d+\ntcpdump: verbose output suppressed/);
    expect(sh.run('jobs').output).toBe('[1]+  Running                 tcpdump -n -i eth0 &\n');
    expect(sh.run('kill %2')).toEqual({ output: 'bash: kill: %2: no such job\n', exit: 1 });
    expect(sh.run('kill %1').output).toBe('\n0 packets captured\n0 packets received by filter\n0 packets dropped by kernel\n[1]+  Terminated              tcpdump -n -i eth0\n');
    expect(sh.run('jobs').output).toBe('');
  });

  it('background output between commands is held for the next one, or handed to onAsyncOutput', () => {
    const sh = presetShell('dr', 'rs1');
    sh.run('nc -l -p 9000');
    sh.run('ssh client1 true');
    const lab = sh.lab;
    // Something connects while no command runs (the UI advancing the lab).
    lab.host('rs2').tcp.connect(lab.host('rs1').iface('eth0')!.addrs[0]!.addr, 9000, { onConnected: (s) => s.send({ app: 'text', text: 'hello\n' }, 6) });
    lab.advance(100_000);
    expect(sh.run('true').output).toBe('hello\n');
    const seen: string[] = [];
    sh.onAsyncOutput = (t) => seen.push(t);
    sh.run('nc -l -p 9001');
    lab.host('rs2').tcp.connect(lab.host('rs1').iface('eth0')!.addrs[0]!.addr, 9001, { onConnected: (s) => s.send({ app: 'text', text: 'again\n' }, 6) });
    lab.advance(100_000);
    expect(seen).toEqual(['again\n']);
  });
});
