/**
 * Display-time pacing: the renderer decides how far the simulation may run, from the
 * frame's elapsed wall time. Pure (the caller passes elapsed milliseconds), so the rules
 * are tested in Node (test/unit/render/clock.test.ts).
 *
 * - displayTime (simulated µs) += elapsedMS × speed × 1000 while playing; the controller
 *   then runs the lab up to it (`lab.runUntil`). Paused: no advance.
 * - elapsedMS is clamped to `MAX_FRAME_MS`, so a long frame (a tab coming back, a GC
 *   pause, a slow core step) never lurches the lab ahead: the lab slows down instead.
 *   The controller adds a governor on top: it runs no more simulated time per frame than
 *   fits in ~14 ms of wall time (controller.ts CORE_BUDGET_MS), so a lab too busy for the
 *   speed asked runs slower rather than the page stuttering.
 * - visualTime (ms) is the picture's clock (see scene/scene.ts): it runs with the wall
 *   clock while playing, and for `stepMs` after a step so the stepped packet can be seen
 *   moving, then stops.
 */

export const MIN_SPEED = 0.01;
export const MAX_SPEED = 10;
export const MAX_FRAME_MS = 100;

/**
 * Text for the UI, next to the speed control: the visual stretch in one sentence.
 * Keep it in step with the rules in scene/scene.ts.
 */
export const MOTION_NOTE = {
  en: 'Packet motion is slowed for the eye: every hop is drawn for at least 0.3 s (a real LAN hop takes about 0.1 ms). Packets on one cable keep their order; a busy cable becomes a stream showing packets per simulated second.',
  'zh-CN': '为便于观察，数据包的移动被放慢：每一跳至少显示 0.3 秒（真实局域网中一跳约 0.1 毫秒）。同一条链路上的数据包保持原有顺序；繁忙的链路显示为数据流，并标出每模拟秒的包数。',
} as const;

export function clampSpeed(x: number): number {
  if (!Number.isFinite(x)) return 1;
  return Math.min(MAX_SPEED, Math.max(MIN_SPEED, x));
}

export class DisplayClock {
  /** Simulated time shown, in µs (fractional: slow speeds advance less than 1 µs per frame... rarely). */
  displayTime = 0;
  /** The picture's clock, in ms. */
  visualTime = 0;
  playing = false;
  private _speed = 1;
  /** Visual time until which a step animates while paused. */
  private stepUntil = 0;

  constructor(speed = 1) {
    this._speed = clampSpeed(speed);
  }

  get speed(): number {
    return this._speed;
  }

  set speed(x: number) {
    this._speed = clampSpeed(x);
  }

  /** Something on screen is moving: the ticker must run. */
  get moving(): boolean {
    return this.playing || this.visualTime < this.stepUntil;
  }

  /**
   * Advance by one frame of `elapsedMs` wall time. Returns the new display time; the
   * visual clock moves too.
   */
  tick(elapsedMs: number): number {
    const ms = Math.min(MAX_FRAME_MS, Math.max(0, elapsedMs));
    if (this.playing) {
      this.displayTime += ms * this._speed * 1000;
      this.visualTime += ms;
    } else if (this.visualTime < this.stepUntil) {
      this.visualTime = Math.min(this.stepUntil, this.visualTime + ms);
    }
    return this.displayTime;
  }

  /** After a step: let the picture play for `ms` without moving simulated time. */
  animateStep(ms: number): void {
    this.stepUntil = this.visualTime + ms;
  }

  /** Jump (seek, or the lab moved under us): simulated time only; the picture's clock runs on. */
  jump(t: number): void {
    this.displayTime = Math.max(0, t);
    this.stepUntil = this.visualTime;
  }
}
