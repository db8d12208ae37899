import { describe, expect, it } from 'vitest';
import { ProgressMeter } from '../../../src/lib/worker/progress-meter';
import { progressView, formatDuration } from '../../../src/lib/state/progress';

const p = (eventsDone: number, stage: 'verify' | 'done' | 'download' = 'verify') => ({ stage, eventsDone, eventsTotal: 10_000, bytesDone: 0, bytesTotal: 0 });

describe('ProgressMeter', () => {
  it('measures events per second from the injected clock and estimates the time left', () => {
    let t = 0;
    const m = new ProgressMeter(() => t, 100);
    t = 1000;
    const a = m.update(p(1000))!;
    expect(a.eventsPerSecond).toBe(1000);
    expect(a.etaMs).toBe(9000);
    expect(a.elapsedMs).toBe(1000);
  });

  it('throttles to one report per interval, but never drops stage changes forced or done', () => {
    let t = 0;
    const m = new ProgressMeter(() => t, 100);
    t = 10;
    expect(m.update(p(10))).not.toBeNull();
    t = 50;
    expect(m.update(p(50))).toBeNull();
    expect(m.update(p(60), true)).not.toBeNull();
    t = 60;
    const done = m.update(p(10_000, 'done'))!;
    expect(done.stage).toBe('done');
    expect(done.etaMs).toBe(0);
  });

  it('has no ETA before a rate is known', () => {
    const m = new ProgressMeter(() => 0);
    expect(m.update(p(0))!.etaMs).toBeNull();
  });
});

describe('progressView', () => {
  it('maps stages onto one bar that only moves forward', () => {
    const base = { elapsedMs: 0, eventsPerSecond: 0, etaMs: null };
    const order = [
      { stage: 'manifest' as const, eventsDone: 0, eventsTotal: 0, bytesDone: 0, bytesTotal: 0 },
      { stage: 'download' as const, eventsDone: 0, eventsTotal: 0, bytesDone: 50, bytesTotal: 100 },
      { stage: 'verify' as const, eventsDone: 5000, eventsTotal: 10_000, bytesDone: 0, bytesTotal: 0 },
      { stage: 'replay' as const, eventsDone: 9000, eventsTotal: 10_000, bytesDone: 0, bytesTotal: 0 },
      { stage: 'done' as const, eventsDone: 10_000, eventsTotal: 10_000, bytesDone: 0, bytesTotal: 0 }
    ].map((x) => progressView({ ...x, ...base }).fraction);
    for (let i = 1; i < order.length; i++) expect(order[i]!).toBeGreaterThan(order[i - 1]!);
    expect(order.at(-1)).toBe(1);
  });

  it('says how many events, how fast and how long', () => {
    const v = progressView({ stage: 'verify', eventsDone: 2500, eventsTotal: 10_000, bytesDone: 0, bytesTotal: 0, elapsedMs: 1000, eventsPerSecond: 2500, etaMs: 3000 });
    expect(v.detail).toBe('2,500 of 10,000 events');
    expect(v.rateText).toBe('2,500 events/s');
    expect(v.etaText).toBe('about 3 s left');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});
