/**
 * The course in the page, driven headless: links, the lesson's lab becoming the page's,
 * lines typed in the terminal reaching the step's goal, progress kept across a "reload",
 * "Show me", leaving back to the free lab, import/export, "Make a lesson".
 */
import { JSDOM } from 'jsdom';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LabSession } from '../../../src/core/session';
import { Shell } from '../../../src/core/shell/shell';
import { useShell } from '../../../src/core/shell/provide';
import { drPreset } from '../../../src/core/scenario/presets';
import { parseLesson } from '../../../src/lessons/parse';
import { LabController } from '../../../src/ui/lab-controller.svelte';
import { TerminalState } from '../../../src/ui/terminal.svelte';
import { CourseState, type CourseEnv, type CourseHost } from '../../../src/ui/course/course.svelte';
import { createMarkdown } from '../../../src/ui/course/markdown';
import { PROGRESS_KEY } from '../../../src/ui/course/progress';
import { COURSE_MESSAGES } from '../../../src/ui/course/messages';
import { LabApp } from '../../../src/ui/app-state.svelte';
import { isLessonFragment, lessonFragment, parseLessonFragment } from '../../../src/share/lesson-link';
import { isShareFragment } from '../../../src/share/codec';

beforeAll(() => {
  useShell((lab) => new Shell(lab));
  // The controller's own frame loop (no canvas in Node): never called back, which is fine here.
  globalThis.requestAnimationFrame ??= () => 0;
  globalThis.cancelAnimationFrame ??= () => undefined;
});

afterEach(() => {
  vi.useRealTimers();
});

const markdown = createMarkdown(new JSDOM('').window as unknown as Parameters<typeof createMarkdown>[0]);

function page(storage = new Map<string, string>()) {
  const ctl = new LabController(new LabSession(drPreset()), 'dr');
  const terminal = new TerminalState(ctl);
  const calls = { saveNow: 0, scheduleSave: 0, panel: [] as string[] };
  const hashes: string[] = [];
  const downloads: { name: string; text: string; mime: string }[] = [];
  const i18n = { locale: 'en' as 'en' | 'zh-CN' };
  const host: CourseHost = {
    ctl,
    i18n,
    typeLine: (l) => terminal.type(l),
    showTerminal: () => void calls.panel.push('terminal'),
    saveNow: () => void calls.saveNow++,
    scheduleSave: () => void calls.scheduleSave++,
  };
  const env: CourseEnv = {
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    download: (name, text, mime) => void downloads.push({ name, text, mime }),
    replaceHash: (f) => void hashes.push(f),
    now: () => new Date('2025-03-04T05:06:07Z'),
    markdown,
  };
  const course = new CourseState(host, env);
  return { ctl, terminal, course, calls, hashes, downloads, storage, i18n };
}

describe('lesson links', () => {
  it('#lesson=ID&step=N, next to the share codec’s #lab=…', () => {
    expect(parseLessonFragment('#lesson=lvs-dr&step=3')).toEqual({ lesson: 'lvs-dr', step: 3 });
    expect(parseLessonFragment('#lesson=lvs-dr&step=fix-vip')).toEqual({ lesson: 'lvs-dr', step: 'fix-vip' });
    expect(parseLessonFragment('#lesson=lvs-dr')).toEqual({ lesson: 'lvs-dr' });
    expect(parseLessonFragment('#lesson=lvs-dr&step=0')).toEqual({ lesson: 'lvs-dr' });
    expect(parseLessonFragment('#lesson=lvs-dr&step=<script>')).toEqual({ lesson: 'lvs-dr' });
    expect(parseLessonFragment('#lab=abc')).toBeUndefined();
    expect(isLessonFragment('#lab=abc')).toBe(false);
    expect(isShareFragment('#lesson=lvs-dr')).toBe(false);
    expect(lessonFragment('lvs-dr', 3)).toBe('lesson=lvs-dr&step=3');
  });
});

describe('course messages', () => {
  it('both languages have every message, with the same placeholders', () => {
    const ph = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(COURSE_MESSAGES.en) as (keyof typeof COURSE_MESSAGES.en)[]) {
      expect(COURSE_MESSAGES['zh-CN'][k], k).toBeTruthy();
      expect(ph(COURSE_MESSAGES['zh-CN'][k]), k).toEqual(ph(COURSE_MESSAGES.en[k]));
    }
    expect(Object.keys(COURSE_MESSAGES['zh-CN']).sort()).toEqual(Object.keys(COURSE_MESSAGES.en).sort());
  });
});

describe('the course', () => {
  it('lists every lesson in order, with titles in both languages', async () => {
    const { course, i18n } = page();
    await course.load();
    expect(course.broken).toEqual([]);
    expect(course.lessons.length).toBeGreaterThanOrEqual(5);
    const orders = course.lessons.map((l) => l.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    const dr = course.lesson('lvs-dr')!;
    expect(course.progressOf(dr)).toEqual({ done: 0, total: dr.steps.length, finished: false });
    expect(course.t('course.title')).toBe('Course');
    i18n.locale = 'zh-CN';
    expect(course.t('course.title')).toBe('课程');
  });

  it('an unknown lesson: a clear message and the list', async () => {
    const { course, ctl } = page();
    const sandbox = ctl.session;
    await course.follow({ lesson: 'no-such-lesson', step: 2 });
    expect(course.active).toBeUndefined();
    expect(course.view).toBe('list');
    expect(course.messages.map((m) => [m.level, m.key, m.params])).toEqual([['error', 'course.unknown', { id: 'no-such-lesson' }]]);
    expect(course.t(course.messages[0]!.key, course.messages[0]!.params)).toContain('no lesson “no-such-lesson”');
    expect(ctl.session).toBe(sandbox);
  });

  it('a link to a step: the lab is brought there; typed lines reach the goal; progress survives a reload', async () => {
    const p = page();
    const { course, ctl, terminal } = p;
    const sandbox = ctl.session;
    await course.follow({ lesson: 'lvs-dr', step: 3 });
    const play = course.active!;
    expect(play.lesson.id).toBe('lvs-dr');
    expect(play.step).toBe(2);
    expect(play.current.id).toBe('vip-on-lo');
    expect(play.caughtUp).toBe(2);
    expect(ctl.session).toBe(play.run.session);
    expect(p.calls.saveNow).toBe(1); // the free lab was saved before the lesson took the page
    expect(p.hashes.at(-1)).toBe('lesson=lvs-dr&step=3');
    expect(play.poll()).toBe(false);

    // The learner types the step's lines in the terminal, and lets the lab run.
    terminal.type('exit');
    terminal.type('ssh rs2');
    terminal.type('ip addr del 192.168.10.100/32 dev lo');
    expect(play.poll()).toBe(false);
    ctl.seek(ctl.session.now + 15_000_000);
    expect(play.poll()).toBe(true);
    expect(play.met).toBe(true);
    expect(course.isDone(play.lesson, 'vip-on-lo')).toBe(true);
    expect(JSON.parse(p.storage.get(PROGRESS_KEY)!).lessons['lvs-dr'].done).toEqual(['vip-on-lo']);

    play.next();
    expect(play.current.id).toBe('fix-vip');
    expect(play.met).toBe(false);
    expect(p.hashes.at(-1)).toBe('lesson=lvs-dr&step=4');

    // Reload: a new page on the same storage resumes at the step the learner was on.
    const again = page(p.storage);
    await again.course.load();
    const dr = again.course.lesson('lvs-dr')!;
    expect(again.course.progressOf(dr)).toEqual({ done: 1, total: dr.steps.length, finished: false });
    again.course.open('lvs-dr');
    expect(again.course.active!.current.id).toBe('fix-vip');
    expect(again.course.active!.caughtUp).toBe(3);

    // Leaving the lesson gives the free lab back, as it was.
    course.leave();
    expect(course.active).toBeUndefined();
    expect(ctl.session).toBe(sandbox);
    expect(ctl.lineRunner).toBeUndefined();
    expect(p.hashes.at(-1)).toBe('');
    expect(p.calls.scheduleSave).toBe(1);
  });

  it('"Show me" types the solution in the terminal, runs the waits and reaches the goal', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const p = page();
    await p.course.follow({ lesson: 'lvs-dr', step: 'mac-rewrite' });
    p.ctl.pause(); // no frame loop in Node
    const play = p.course.active!;
    const typed: string[] = [];
    p.terminal.attach((text) => void typed.push(text));
    const before = p.ctl.session.log.length;
    const done = play.showMe();
    expect(play.showing).toBe(true);
    await vi.runAllTimersAsync();
    await done;
    expect(play.showing).toBe(false);
    expect(play.met).toBe(true);
    expect(p.calls.panel).toContain('terminal');
    const lines = p.ctl.session.log.slice(before).map((e) => ('term' in e ? e.term : e.cmd.type));
    expect(lines).toEqual(['ssh rs1', 'tcpdump -e -n -c 4 -i eth0 tcp dst port 80']);
    expect(typed.join('')).toContain('tcpdump -e -n -c 4 -i eth0 tcp dst port 80');

    // A step with a wait: time moves on by at least the wait.
    play.goTo(2);
    const t0 = p.ctl.session.now;
    const done2 = play.showMe();
    await vi.runAllTimersAsync();
    await done2;
    expect(play.met).toBe(true);
    expect(p.ctl.session.now - t0).toBeGreaterThanOrEqual(12_000_000);
  });

  it('progress files: export, a bad import changes nothing and says why, a good one merges', async () => {
    const p = page();
    await p.course.follow({ lesson: 'lvs-dr' });
    p.terminal.type('ipvsadm -Ln');
    expect(p.course.active!.poll()).toBe(true);
    p.course.exportProgress();
    const file = p.downloads.at(-1)!;
    expect(file.name).toBe('lvs-lab-progress-2025-03-04.json');
    expect(file.mime).toBe('application/json');

    const other = page();
    const before = other.course.progress;
    expect(other.course.importProgress('{"hello": 1}')).toBe(false);
    expect(other.course.progress).toBe(before);
    const m = other.course.messages.at(-1)!;
    expect(other.course.t(m.key, m.params)).toBe('That file was not imported, nothing changed: it is not an LVS Lab progress file');
    expect(await other.course.importFile(new Blob(['x'.repeat(1_000_001)]))).toBe(false);
    expect(await other.course.importFile(new Blob([file.text]))).toBe(true);
    expect(other.course.progress.lessons['lvs-dr']!.done).toEqual(['look']);
    expect(JSON.parse(other.storage.get(PROGRESS_KEY)!).lessons['lvs-dr'].done).toEqual(['look']);
  });

  it('a corrupt progress store is ignored with a notice', async () => {
    const p = page(new Map([[PROGRESS_KEY, '{"v":1,"lessons":{"lvs-dr":{"done":"all"}}}']]));
    expect(p.course.progress.lessons).toEqual({});
    const m = p.course.messages[0]!;
    expect(m.key).toBe('course.storeCorrupt');
    expect(p.course.t(m.key, m.params)).toContain('its content is not valid');
    await p.course.load();
    expect(p.course.progressOf(p.course.lesson('lvs-dr')!).done).toBe(0);
  });

  it('"Make a lesson from this lab" downloads a lesson that parses', () => {
    const p = page();
    p.terminal.type('ipvsadm -Lnc');
    p.course.makeLesson();
    const d = p.downloads.at(-1)!;
    expect(d.name).toBe('dr-lesson.md');
    const r = parseLesson(d.text);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.lesson.steps[0]!.goal).toEqual({ ran: { command: 'ipvsadm -Lnc' } });
  });

  it('in the page: a rebuild is refused, Reset lab restarts the step, a mode button leaves the lesson', async () => {
    const app = new LabApp({ hash: () => '', clearHash: () => undefined, href: (f) => `http://lab/#${f}`, copy: async () => false, languages: ['en'], prefersReducedMotion: false });
    const course = new CourseState(
      { ctl: app.ctl, i18n: app.i18n, typeLine: (l) => app.terminal.type(l), showTerminal: () => app.setPanel('terminal'), saveNow: () => app.saveNow(), scheduleSave: () => app.scheduleSave() },
      { storage: undefined, download: () => undefined, replaceHash: () => undefined, now: () => new Date(0), markdown, sources: undefined },
    );
    app.course = course;
    const sandbox = app.ctl.session;
    await course.follow({ lesson: 'lvs-dr', step: 2 });
    app.ctl.pause();
    const first = app.ctl.session;
    expect(first).not.toBe(sandbox);

    await app.setKernel('6.1');
    expect(app.ctl.session).toBe(first);
    expect(course.messages.at(-1)!.key).toBe('lesson.noRebuild');
    expect(app.courseOpen).toBe(true);

    app.resetLab();
    expect(course.active!.current.id).toBe('mac-rewrite');
    expect(app.ctl.session).not.toBe(first);
    expect(app.ctl.session).toBe(course.active!.run.session);

    app.setMode('nat');
    expect(course.active).toBeUndefined();
    expect(app.ctl.preset).toBe('nat');
    expect(app.ctl.lineRunner).toBeUndefined();
    app.ctl.pause();
  });
});
