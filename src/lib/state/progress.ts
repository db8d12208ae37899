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

const STAGES: Record<WorkerProgress['stage'], { label: string; from: number; to: number }> = {
  manifest: { label: 'Reading the manifest', from: 0, to: 0.02 },
  download: { label: 'Downloading and hashing', from: 0.02, to: 0.3 },
  verify: { label: 'Verifying signatures and the hash chain', from: 0.3, to: 0.75 },
  replay: { label: 'Replaying the economy', from: 0.75, to: 0.95 },
  index: { label: 'Building proofs index', from: 0.95, to: 1 },
  done: { label: 'Done', from: 1, to: 1 }
};

const grouped = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${s % 60} s`;
}

export function progressView(p: WorkerProgress): ProgressView {
  const st = STAGES[p.stage] ?? STAGES.verify;
  let inner = 0;
  if (p.stage === 'download' && p.bytesTotal > 0) inner = p.bytesDone / p.bytesTotal;
  else if (p.eventsTotal > 0) inner = p.eventsDone / p.eventsTotal;
  inner = Math.min(1, Math.max(0, inner));
  const fraction = st.from + (st.to - st.from) * inner;
  const detail =
    p.eventsTotal > 0
      ? `${grouped(p.eventsDone)} of ${grouped(p.eventsTotal)} events`
      : p.bytesTotal > 0
        ? `${grouped(p.bytesDone / 1024)} of ${grouped(p.bytesTotal / 1024)} KiB`
        : '';
  return {
    stageLabel: st.label,
    fraction,
    detail,
    rateText: p.eventsPerSecond > 0 ? `${grouped(p.eventsPerSecond)} events/s` : '',
    etaText: p.etaMs !== null && p.stage !== 'done' && p.eventsPerSecond > 0 ? `about ${formatDuration(p.etaMs)} left` : ''
  };
}
