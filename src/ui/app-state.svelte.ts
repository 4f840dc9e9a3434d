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
import { presetScenario, withClients, withKernel, withTrafficStyle, type Kernel, type PresetName, type TrafficStyle } from './scenario-edit';
import { decodeFragment, encodeEnvelope, isShareFragment, toEnvelope, type ShareErrorCode } from '../share/codec';
import { loadStored, Saver, saveNow } from '../share/store';
import type { Envelope } from '../share/envelope';
import { nearestSpeed } from './transport';
import type { PacketColours } from './stage-binding.svelte';

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

  private noticeId = 0;
  /** Reduced motion follows the system until the learner sets it here. */
  private motionChosen: boolean;
  private readonly saver = new Saver();

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
      const r = decodeFragment(hash);
      this.env.clearHash();
      if (r.ok) env = r.envelope;
      else this.notify('error', SHARE_ERRORS[r.code], undefined, r.detail);
    } else {
      const s = loadStored();
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
    this.ready = true;
  }

  get t() {
    return this.i18n.t;
  }

  // ------------------------------------------------------------------ lab-level actions

  /** NAT / DR / TUN: a new session on that preset (keeping kernel and traffic options). */
  setMode(mode: PresetName): void {
    const cur = this.ctl.session.scenario;
    let s: ScenarioInput = withKernel(presetScenario(mode), cur.kernel);
    if (cur.traffic) {
      s = withClients(s, cur.traffic.clients.length);
      s = withTrafficStyle(s, { mode: cur.traffic.mode, requestsPerSession: cur.traffic.requestsPerSession, thinkMs: cur.traffic.thinkMs });
    }
    const wasPlaying = this.ctl.playing || !this.ready;
    this.ctl.setSession(new LabSession(s), mode);
    this.events.select(undefined);
    this.scheduleSave();
    if (wasPlaying) this.ctl.play();
  }

  private async rebuildWith(change: (s: ScenarioInput) => ScenarioInput): Promise<void> {
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
    this.setMode(this.ctl.preset ?? 'dr');
  }

  // ------------------------------------------------------------------ share and save

  envelope(): Envelope & { cut?: true } {
    return toEnvelope(this.ctl.session.toState(), this.ctl.preset);
  }

  linkNow(): string {
    return this.env.href(encodeEnvelope(this.envelope()));
  }

  async copyLink(): Promise<void> {
    const env = this.envelope();
    const link = this.env.href(encodeEnvelope(env));
    if (env.cut) this.notify('info', 'share.cut', { t: (env.now / 1e6).toFixed(1) });
    this.shareLink = link;
    this.shareStatus = (await this.env.copy(link)) ? 'copied' : 'manual';
  }

  scheduleSave(): void {
    this.saver.schedule(() => this.envelope());
  }

  /** Save at once (page hide / unload). */
  saveNow(): void {
    this.saver.flush();
    saveNow(this.envelope());
  }

  // ------------------------------------------------------------------ preferences

  setLocale(l: Locale): void {
    this.i18n.locale = l;
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
