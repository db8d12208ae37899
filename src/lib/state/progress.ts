// What the progress bar shows, from a worker progress report. Pure, so it is unit-tested.
import type { WorkerProgress } from '$lib/worker/progress-meter';

export interface ProgressView {
  stageLabel: string;
  /** 0..1 over the whole run. */
  fraction: number;
  detail: string;
  rateText: string;
  etaText: string;
}

/**
 * Where each stage sits on the bar. The download, the checks and the replay stream together in the
 * one 'verify' stage, so the bar follows the events checked: at 34,000 of 1,000,000 events it shows
 * 5 %, not a stage's head start. What runs after the last event (the final checkpoint, the proofs
 * index, the cache) is short, so the bar stops at 99 % until the report is in.
 */
const STAGES: Record<WorkerProgress['stage'], { label: string; from: number; to: number }> = {
  manifest: { label: 'Reading the manifest', from: 0, to: 0.02 },
  verify: { label: 'Verifying and replaying the ledger', from: 0.02, to: 0.99 },
  done: { label: 'Done', from: 1, to: 1 }
};

const grouped = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${s % 60} s`;
}

/** Bytes in MiB with one decimal (0.0 MiB, 1,024.0 MiB): storage figures shown in one unit. */
export function formatMiB(b: number): string {
  return `${(b / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} MiB`;
}

/** Bytes for people: KiB below one MiB, else formatMiB (1.0 MiB, 452.3 MiB). */
export function formatBytes(b: number): string {
  return b < 2 ** 20 ? `${grouped(b / 1024)} KiB` : formatMiB(b);
}

export function progressView(p: WorkerProgress): ProgressView {
  const st = STAGES[p.stage] ?? STAGES.verify;
  const inner = p.eventsTotal > 0 ? Math.min(1, Math.max(0, p.eventsDone / p.eventsTotal)) : 0;
  const fraction = st.from + (st.to - st.from) * inner;
  // While segments are still arriving, how much: on a slow network the download, not the checks,
  // sets the pace, and the user should see that.
  const downloading = p.stage === 'verify' && p.bytesTotal > 0 && p.bytesDone < p.bytesTotal;
  const events = p.eventsTotal > 0 ? `${grouped(p.eventsDone)} of ${grouped(p.eventsTotal)} events` : '';
  const bytes = downloading ? `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)} downloaded` : '';
  return {
    stageLabel: st.label,
    fraction,
    detail: [events, bytes].filter(Boolean).join(' · '),
    rateText: p.eventsPerSecond > 0 ? `${grouped(p.eventsPerSecond)} events/s` : '',
    etaText: p.etaMs !== null && p.stage !== 'done' && p.eventsPerSecond > 0 ? `about ${formatDuration(p.etaMs)} left` : ''
  };
}
