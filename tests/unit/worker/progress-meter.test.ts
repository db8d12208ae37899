import { describe, expect, it } from 'vitest';
import { ProgressMeter } from '../../../src/lib/worker/progress-meter';
import { progressView, formatBytes, formatDuration, formatMiB } from '../../../src/lib/state/progress';

const p = (eventsDone: number, stage: 'verify' | 'done' = 'verify') => ({ stage, eventsDone, eventsTotal: 10_000, bytesDone: 0, bytesTotal: 0 });

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
  const base = { elapsedMs: 0, eventsPerSecond: 0, etaMs: null };

  it('maps stages onto one bar that only moves forward', () => {
    const order = [
      { stage: 'manifest' as const, eventsDone: 0, eventsTotal: 0, bytesDone: 0, bytesTotal: 0 },
      { stage: 'verify' as const, eventsDone: 1000, eventsTotal: 10_000, bytesDone: 50, bytesTotal: 100 },
      { stage: 'verify' as const, eventsDone: 5000, eventsTotal: 10_000, bytesDone: 100, bytesTotal: 100 },
      { stage: 'verify' as const, eventsDone: 10_000, eventsTotal: 10_000, bytesDone: 100, bytesTotal: 100 },
      { stage: 'done' as const, eventsDone: 10_000, eventsTotal: 10_000, bytesDone: 100, bytesTotal: 100 }
    ].map((x) => progressView({ ...x, ...base }).fraction);
    for (let i = 1; i < order.length; i++) expect(order[i]!).toBeGreaterThan(order[i - 1]!);
    expect(order.at(-1)).toBe(1);
  });

  it('follows the events checked, not the download or a stage head start', () => {
    // The download runs ahead of the checks (streamed): a third downloaded is not a third done.
    const early = progressView({ stage: 'verify', eventsDone: 34_000, eventsTotal: 1_000_000, bytesDone: 150 * 2 ** 20, bytesTotal: 450 * 2 ** 20, ...base });
    expect(Math.round(early.fraction * 100)).toBe(5);
    const half = progressView({ stage: 'verify', eventsDone: 500_000, eventsTotal: 1_000_000, bytesDone: 450 * 2 ** 20, bytesTotal: 450 * 2 ** 20, ...base });
    expect(Math.round(half.fraction * 100)).toBe(51);
    const last = progressView({ stage: 'verify', eventsDone: 1_000_000, eventsTotal: 1_000_000, bytesDone: 1, bytesTotal: 1, ...base });
    expect(last.fraction).toBeLessThan(1);
  });

  it('says how many events, how fast and how long, and how much is still to download', () => {
    const v = progressView({ stage: 'verify', eventsDone: 2500, eventsTotal: 10_000, bytesDone: 3 * 2 ** 20, bytesTotal: 4.5 * 2 ** 20, elapsedMs: 1000, eventsPerSecond: 2500, etaMs: 3000 });
    expect(v.stageLabel).toBe('Verifying and replaying the ledger');
    expect(v.detail).toBe('2,500 of 10,000 events · 3.0 MiB of 4.5 MiB downloaded');
    expect(v.rateText).toBe('2,500 events/s');
    expect(v.etaText).toBe('about 3 s left');
    const downloaded = progressView({ stage: 'verify', eventsDone: 2500, eventsTotal: 10_000, bytesDone: 4.5 * 2 ** 20, bytesTotal: 4.5 * 2 ** 20, elapsedMs: 1000, eventsPerSecond: 2500, etaMs: 3000 });
    expect(downloaded.detail).toBe('2,500 of 10,000 events');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });

  it('writes bytes in KiB below one MiB and in MiB above', () => {
    expect(formatBytes(0)).toBe('0 KiB');
    expect(formatBytes(512 * 1024)).toBe('512 KiB');
    expect(formatBytes(2 ** 20)).toBe('1.0 MiB');
    expect(formatBytes(452.34 * 2 ** 20)).toBe('452.3 MiB');
    expect(formatBytes(2048 * 2 ** 20)).toBe('2,048.0 MiB');
    // storage figures (the overview's cache usage) stay in MiB
    expect(formatMiB(0)).toBe('0.0 MiB');
    expect(formatMiB(1024 * 2 ** 20)).toBe('1,024.0 MiB');
  });
});
