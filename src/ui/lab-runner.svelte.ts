/**
 * The running lab behind the page: the DR preset, advanced in step with the browser's
 * clock (real time, capped per frame so a background tab does not jump minutes ahead),
 * with a few numbers the page shows. UI state only; the lab itself is the core's.
 */
import { Lab } from '../core/lab';
import { drPreset } from '../core/scenario/presets';

/** At most this much simulated time per frame (µs). */
const MAX_STEP_US = 100_000;

export class LabRunner {
  readonly lab: Lab;
  /** Simulated seconds, updated a few times a second. */
  seconds = $state(0);
  ok = $state(0);
  failed = $state(0);
  byServer = $state.raw<[string, number][]>([]);
  private raf = 0;
  private last = 0;

  constructor() {
    this.lab = Lab.of(drPreset());
  }

  get topology() {
    return this.lab.topology();
  }

  start(): void {
    const tick = (t: number) => {
      if (this.last > 0) this.lab.advance(Math.min(MAX_STEP_US, Math.round((t - this.last) * 1000)));
      this.last = t;
      this.refresh();
      this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  stop(): void {
    cancelAnimationFrame(this.raf);
    this.last = 0;
  }

  private refresh(): void {
    const s = Math.floor(this.lab.now / 100_000) / 10;
    if (s === this.seconds) return;
    this.seconds = s;
    const st = this.lab.traffic?.stats;
    if (!st) return;
    this.ok = st.ok;
    this.failed = st.failed;
    this.byServer = [...st.byServer].sort((a, b) => a[0].localeCompare(b[0]));
  }
}
