/**
 * The page's root state: the lab (controller + event log + charts + controls + terminal),
 * the language, presenter preferences, notices, sharing and saving. Components get this
 * one object and read its getters; the DOM, the URL and storage are touched only through
 * the small adapters passed in (`PageEnv`), so the class also runs in Node tests.
 */
import { LabSession } from '../core/session';
import type { ScenarioInput } from '../core/scenario/schema';
import { LabController } from './lab-controller.svelte';
import { EventLog } from './event-log.svelte';
import { Charts } from './charts.svelte';
import { Controls } from './controls.svelte';
import { TerminalState } from './terminal.svelte';
import { I18n } from './i18n/i18n.svelte';
import type { Locale, MessageKey } from './i18n/translate';
import { loadPrefs, savePrefs, type ColourMode, type PanelId, type Prefs } from './prefs';
import { haPresetsLoaded, isHaPreset, presetScenario, withClients, withKernel, withTrafficStyle, type Kernel, type PresetName, type TrafficStyle } from './scenario-edit';
import type { ShareErrorCode } from '../share/codec';
import { hasStored, isShareFragment } from '../share/peek';
import type { Saver } from '../share/store';
import type { Envelope } from '../share/envelope';
import { nearestSpeed } from './transport';
import type { PacketColours } from './stage-binding.svelte';
import { loadHa, preloadShell } from './features';
import type { CourseState } from './course/course.svelte';
import type { Component } from 'svelte';
import { parseLessonFragment, type LessonLink } from '../share/lesson-link';

/** The share codec and the saved lab (fflate, valibot envelope): loaded when there is something to decode or encode. */
interface Share {
  codec: typeof import('../share/codec');
  store: typeof import('../share/store');
}
let shareLoading: Promise<Share> | undefined;
let shareLoaded: Share | undefined;

function loadShare(): Promise<Share> {
  return (shareLoading ??= Promise.all([import('../share/codec'), import('../share/store')]).then(
    ([codec, store]) => (shareLoaded = { codec, store }),
    (e: unknown) => {
      shareLoading = undefined;
      throw e;
    },
  ));
}

export interface Notice {
  id: number;
  level: 'error' | 'info';
  key: MessageKey;
  params?: Record<string, string>;
  /** Technical detail (a JSON path); shown as text, never as markup. */
  detail?: string;
}

/** What the page provides: the URL, the clipboard, the user's motion preference. */
export interface PageEnv {
  hash(): string;
  clearHash(): void;
  href(fragment: string): string;
  copy(text: string): Promise<boolean>;
  languages: readonly string[];
  prefersReducedMotion: boolean;
}

const SHARE_ERRORS: Record<ShareErrorCode, MessageKey> = {
  'too-long': 'share.error.tooLong',
  corrupt: 'share.error.corrupt',
  'too-big': 'share.error.tooBig',
  'no-version': 'share.error.noVersion',
  'newer-version': 'share.error.newer',
  invalid: 'share.error.invalid',
};

export class LabApp {
  readonly i18n: I18n;
  readonly ctl: LabController;
  readonly events: EventLog;
  readonly charts: Charts;
  readonly controls: Controls;
  readonly terminal: TerminalState;

  presenter = $state(false);
  reducedMotion = $state(false);
  colourMode: ColourMode = $state('normal');
  /** How the canvas colours packets: by connection or by the real server that serves them. */
  packetColours: PacketColours = $state('connection');
  panel: PanelId = $state('controls');
  panelsHidden = $state(false);
  helpOpen = $state(false);
  notices: Notice[] = $state.raw([]);
  /** The last link made by "Copy link" (shown for manual copying when the clipboard refuses). */
  shareLink = $state('');
  shareStatus: 'idle' | 'copied' | 'manual' = $state('idle');
  /** Set when the lab the page opened with is ready (restored or default, running). */
  ready = $state(false);
  /** What to light on the canvas (hovered table row, selected event): nodes and a connection's client end. */
  highlighted: { nodes: readonly string[]; conn?: string } = $state.raw({ nodes: [] });
  /** The course (lessons, ./course), loaded on demand: undefined until first opened. */
  course: CourseState | undefined = $state.raw(undefined);
  /** The course pane is shown. */
  courseOpen = $state(false);
  coursePane: Component<{ app: LabApp; course: CourseState }> | undefined = $state.raw(undefined);

  private noticeId = 0;
  /** Reduced motion follows the system until the learner sets it here. */
  private motionChosen: boolean;
  private saver: Saver | undefined;

  constructor(
    private readonly env: PageEnv,
    prefs: Prefs = loadPrefs(),
  ) {
    this.i18n = I18n.detect(prefs.locale, env.languages);
    this.presenter = prefs.presenter ?? false;
    this.reducedMotion = prefs.reducedMotion ?? env.prefersReducedMotion;
    this.motionChosen = prefs.reducedMotion !== undefined;
    this.colourMode = prefs.colourMode ?? 'normal';
    this.packetColours = prefs.packetColours ?? 'connection';
    this.panel = prefs.panel ?? 'controls';
    this.panelsHidden = prefs.panelsHidden ?? false;
    this.ctl = new LabController(new LabSession(presetScenario('dr')), 'dr');
    if (prefs.speed) this.ctl.setSpeed(nearestSpeed(prefs.speed));
    this.events = new EventLog(this.ctl);
    this.charts = new Charts(this.ctl);
    this.controls = new Controls(this.ctl);
    this.terminal = new TerminalState(this.ctl);
    this.ctl.onChange = () => this.scheduleSave();
  }

  /**
   * Open the lab the page should show: a share link if the URL has one, else the lab saved
   * in this browser, else the DR lab, running. A link or store that does not decode is
   * reported and the default lab opens.
   */
  async open(): Promise<void> {
    const hash = this.env.hash();
    let env: Envelope | undefined;
    if (isShareFragment(hash)) {
      const r = (await loadShare()).codec.decodeFragment(hash);
      this.env.clearHash();
      if (r.ok) env = r.envelope;
      else this.notify('error', SHARE_ERRORS[r.code], undefined, r.detail);
    } else if (hasStored()) {
      const s = (await loadShare()).store.loadStored();
      if (s.kind === 'ok') env = s.envelope;
      else if (s.kind === 'corrupt') this.notify('info', 'store.corrupt', undefined, s.result.detail);
    }
    if (env) {
      try {
        const r = await this.ctl.load(env.scenario, env.log, env.now, env.preset);
        if (!r.complete) this.notify('info', 'share.partial', { t: (r.reached / 1e6).toFixed(1) });
        this.scheduleSave();
      } catch (e) {
        this.notify('error', 'share.error.invalid', undefined, e instanceof Error ? e.message : String(e));
        this.ctl.setSession(new LabSession(presetScenario('dr')), 'dr');
        this.ctl.play();
      }
    } else {
      this.ctl.play();
    }
    const lesson = parseLessonFragment(hash);
    if (lesson) await this.openCourse(lesson);
    this.ready = true;
  }

  get t() {
    return this.i18n.t;
  }

  // ------------------------------------------------------------------ lab-level actions

  /**
   * NAT / DR / TUN / DR + HA / NAT + HA: a new session on that preset (keeping kernel and
   * traffic options). The HA labs load HA first (features.ts); the first-screen bundle has
   * neither it nor their presets.
   */
  async setMode(mode: PresetName): Promise<void> {
    this.course?.leave(); // the mode buttons are the free lab's
    const wasPlaying = this.ctl.playing || !this.ready;
    if (isHaPreset(mode) && !haPresetsLoaded()) {
      try {
        await loadHa();
      } catch (e) {
        this.notify('error', 'mode.failed', undefined, e instanceof Error ? e.message : String(e));
        return;
      }
    }
    const cur = this.ctl.session.scenario;
    let s: ScenarioInput = withKernel(presetScenario(mode), cur.kernel);
    if (cur.traffic) {
      s = withClients(s, cur.traffic.clients.length);
      s = withTrafficStyle(s, { mode: cur.traffic.mode, requestsPerSession: cur.traffic.requestsPerSession, thinkMs: cur.traffic.thinkMs });
    }
    this.ctl.setSession(new LabSession(s), mode);
    this.events.select(undefined);
    this.scheduleSave();
    if (wasPlaying) this.ctl.play();
  }

  private async rebuildWith(change: (s: ScenarioInput) => ScenarioInput): Promise<void> {
    if (this.course?.active) {
      this.courseOpen = true; // where the message shows
      return this.course.say('info', 'lesson.noRebuild');
    }
    const next = change(this.ctl.session.scenario as ScenarioInput);
    const r = await this.ctl.rebuild(next);
    if (!r.complete) this.notify('info', 'share.partial', { t: (r.reached / 1e6).toFixed(1) });
  }

  setKernel(k: Kernel): Promise<void> {
    return this.rebuildWith((s) => withKernel(s, k));
  }

  setClients(n: number): Promise<void> {
    return this.rebuildWith((s) => withClients(s, n));
  }

  setTrafficStyle(style: TrafficStyle): Promise<void> {
    return this.rebuildWith((s) => withTrafficStyle(s, style));
  }

  /** Back to the preset as it ships (the log is dropped). */
  resetLab(): void {
    if (this.course?.active) return this.course.restartStep();
    void this.setMode(this.ctl.preset ?? 'dr');
  }

  // ------------------------------------------------------------------ share and save

  private envelope(share: Share): Envelope & { cut?: true } {
    return share.codec.toEnvelope(this.ctl.session.toState(), this.ctl.preset);
  }

  async linkNow(): Promise<string> {
    const share = await loadShare();
    return this.env.href(share.codec.encodeEnvelope(this.envelope(share)));
  }

  async copyLink(): Promise<void> {
    const share = await loadShare();
    const env = this.envelope(share);
    const link = this.env.href(share.codec.encodeEnvelope(env));
    if (env.cut) this.notify('info', 'share.cut', { t: (env.now / 1e6).toFixed(1) });
    this.shareLink = link;
    this.shareStatus = (await this.env.copy(link)) ? 'copied' : 'manual';
  }

  scheduleSave(): void {
    if (this.course?.active) return; // a lesson's lab is not the free lab
    loadShare().then(
      (share) => (this.saver ??= new share.store.Saver()).schedule(() => this.envelope(share)),
      () => undefined, // saving is best effort, as when storage is unavailable
    );
  }

  /**
   * Save at once (page hide / unload). Before the codec has loaded (it is fetched right
   * after the first frame, and by the first change) there is nothing the learner did to save.
   */
  saveNow(): void {
    if (this.course?.active) return;
    const share = shareLoaded;
    if (!share) return;
    this.saver?.flush();
    share.store.saveNow(this.envelope(share));
  }

  /** After the first frame: fetch in the background what the next clicks want (the shell, the share codec). */
  preload(): void {
    preloadShell();
    void loadShare().catch(() => undefined);
    void this.events.loadInspector().catch(() => undefined);
  }

  // ------------------------------------------------------------------ course

  /** Show the course pane, loading the course (./course/attach.ts) the first time; with a link, open that lesson and step. */
  async openCourse(link?: LessonLink): Promise<void> {
    try {
      if (!this.course) {
        const a = (await import('./course/attach')).attachCourse(this);
        this.course ??= a.course;
        this.coursePane = a.pane;
      }
      this.courseOpen = true;
      await (link ? this.course.follow(link) : this.course.load());
    } catch (e) {
      this.notify('error', 'course.failed', undefined, e instanceof Error ? e.message : String(e));
    }
  }

  toggleCourse(): void {
    if (this.courseOpen) this.courseOpen = false;
    else void this.openCourse();
  }

  /** The address changed inside the page (a `#lesson=…` link was followed). */
  followHash(): void {
    const link = parseLessonFragment(this.env.hash());
    if (link) void this.openCourse(link);
  }

  // ------------------------------------------------------------------ preferences

  /** Switch language once its catalog is here (loaded on first use). */
  async setLocale(l: Locale): Promise<void> {
    await this.i18n.use(l);
    this.savePrefs();
  }

  setPresenter(on: boolean): void {
    this.presenter = on;
    this.savePrefs();
  }

  setReducedMotion(on: boolean): void {
    this.reducedMotion = on;
    this.motionChosen = true;
    this.savePrefs();
  }

  setColourMode(m: ColourMode): void {
    this.colourMode = m;
    this.savePrefs();
  }

  setPacketColours(c: PacketColours): void {
    this.packetColours = c;
    this.savePrefs();
  }

  /** Show the panels (the Event list and Inspector dock) if hidden. */
  setPanelBottom(): void {
    if (this.panelsHidden) this.togglePanels();
  }

  setPanel(p: PanelId): void {
    this.panel = p;
    this.panelsHidden = false;
    this.savePrefs();
  }

  togglePanels(): void {
    this.panelsHidden = !this.panelsHidden;
    this.savePrefs();
  }

  setSpeed(s: number): void {
    this.ctl.setSpeed(s);
    this.savePrefs();
  }

  private savePrefs(): void {
    savePrefs({
      locale: this.i18n.locale,
      presenter: this.presenter,
      ...(this.motionChosen ? { reducedMotion: this.reducedMotion } : {}),
      colourMode: this.colourMode,
      packetColours: this.packetColours,
      panel: this.panel,
      panelsHidden: this.panelsHidden,
      speed: this.ctl.speed,
    });
  }

  // ------------------------------------------------------------------ notices

  notify(level: Notice['level'], key: MessageKey, params?: Record<string, string>, detail?: string): void {
    const n: Notice = { id: ++this.noticeId, level, key, ...(params ? { params } : {}), ...(detail ? { detail: detail.slice(0, 500) } : {}) };
    this.notices = [...this.notices, n].slice(-4);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  highlight(nodes: readonly string[], conn?: string): void {
    const cur = this.highlighted;
    if (cur.conn === conn && cur.nodes.length === nodes.length && cur.nodes.every((n, i) => n === nodes[i])) return;
    this.highlighted = conn ? { nodes, conn } : { nodes };
  }
}
