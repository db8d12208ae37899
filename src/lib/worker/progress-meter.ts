// Turns the core driver's Progress callbacks into what the UI shows: events per second and an
// ETA, from a smoothed rate over the verify/replay stages. The clock is injected (the worker
// passes performance.now) so this is testable and throttles to at most one report per interval.
import type { Progress } from '$lib/core/types';

export interface WorkerProgress extends Progress {
  elapsedMs: number;
  /** Smoothed events per second over the current run (0 until measurable). */
  eventsPerSecond: number;
  /** Estimated milliseconds left, or null when unknown. */
  etaMs: number | null;
}

export class ProgressMeter {
  readonly #now: () => number;
  readonly #intervalMs: number;
  readonly #start: number;
  #lastEmit = -Infinity;
  #rate = 0;
  #lastEvents = 0;
  #lastTime: number;

  constructor(now: () => number, intervalMs = 100) {
    this.#now = now;
    this.#intervalMs = intervalMs;
    this.#start = now();
    this.#lastTime = this.#start;
  }

  /** The report to send, or null if one was sent less than `intervalMs` ago (stage changes and 'done' always pass). */
  update(p: Progress, force = false): WorkerProgress | null {
    const t = this.#now();
    const dt = t - this.#lastTime;
    if (dt > 0 && p.eventsDone >= this.#lastEvents) {
      const instant = ((p.eventsDone - this.#lastEvents) * 1000) / dt;
      // Exponential smoothing; the first measurement seeds it.
      this.#rate = this.#rate === 0 ? instant : 0.7 * this.#rate + 0.3 * instant;
    }
    this.#lastTime = t;
    this.#lastEvents = p.eventsDone;
    if (!force && p.stage !== 'done' && t - this.#lastEmit < this.#intervalMs) return null;
    this.#lastEmit = t;
    const left = p.eventsTotal - p.eventsDone;
    const etaMs = p.stage === 'done' ? 0 : this.#rate > 0 && p.eventsTotal > 0 && left >= 0 ? (left / this.#rate) * 1000 : null;
    return { ...p, elapsedMs: t - this.#start, eventsPerSecond: Math.round(this.#rate), etaMs: etaMs === null ? null : Math.round(etaMs) };
  }
}
