// `atlas verify FILE` for QFS artifacts (docs/QFS_ARTIFACTS.md). The verify command hands any file
// that is not a bundle manifest to verifyQfsFile, registered below with file-verifiers.ts. This module is the Node adapter only: it reads
// files and prints; every check is in src/lib/core/qfs.
//
// Exit codes (src/cli/command.ts): 0 verified, 1 verification failure, 2 unreadable or unrecognised.
// A governance index is cross-checked with the PoE artifacts its entries name by retrieval_path,
// when those files exist next to it (paths are resolved against the index's folder and up to
// three parent folders, since QFS writes them relative to its repository root).

import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseStrict } from '../../lib/core/canonical-json';
import { verifyQfs, verifyQfsSet, type QfsFile, type QfsFinding, type QfsReport, type QfsSetReport } from '../../lib/core/qfs';
import { registerFileVerifier } from '../file-verifiers';

export interface QfsCliOptions {
  json: boolean;
  /** Look up PoE artifacts named by a governance index (default true). */
  artifacts?: boolean;
  /** Where to print; defaults to process.stdout / process.stderr. */
  io?: { out(text: string): void; err(text: string): void };
}

const TEXT_FAILURES = 50;

const defaultIo = {
  out: (t: string) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t: string) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`)
};

function where(format: string, seq: number | null): string {
  if (seq === null) return 'file';
  return format === 'gov-index-v15' ? `entry ${seq}` : format === 'poe-v1' ? 'artifact' : `line ${seq}`;
}

function failureLines(format: string, fs: readonly QfsFinding[], formatOf?: (f: QfsFinding) => string): string[] {
  const out: string[] = [];
  for (const f of fs.slice(0, TEXT_FAILURES)) {
    const fmt = formatOf ? formatOf(f) : format;
    out.push(`  ${f.file ? `${f.file} ` : ''}${where(fmt, f.seq).padEnd(10)} ${f.code.padEnd(22)} ${f.message}`);
  }
  if (fs.length > TEXT_FAILURES) out.push(`  … ${fs.length - TEXT_FAILURES} more (use --json for all)`);
  return out;
}

/** The one-line figures of a report (empty for an unrecognised file). */
export function summaryLine(r: QfsReport): string {
  switch (r.format) {
    case 'evidencebus-v15':
      return `${r.events} envelopes · ${r.segments.length} segment(s) · MOCKQPC env ${r.env ?? 'none/mixed'} · hashes ${r.hashesVerified}/${r.events} · signatures ${r.signaturesVerified}/${r.events}`;
    case 'coherence-ledger-v13':
      return `${r.events} entries · ${r.segments.length} segment(s) · hashes ${r.hashesVerified}/${r.events} · links ${r.linksVerified}/${r.events} · replay order ${r.replayOrderMatchesFile ? '= file order' : r.replayOrder.join(',')}`;
    case 'gov-index-v15':
      return `${r.events} entries · hashes ${r.hashesVerified}/${r.events} · links ${r.linksVerified}/${r.events} · head ${r.head}`;
    case 'poe-v1':
      return `${r.artifactId} · proof_hash ${r.proofHash === r.recomputed ? 'verifies' : 'DOES NOT verify'} · ${r.proofHash}`;
    case 'unrecognised':
      return '';
  }
}

/** A readable report for terminals. */
export function formatQfsReport(r: QfsReport): string {
  const lines = [`${r.ok ? 'VALID' : 'INVALID'}  ${r.format}${r.file ? `  ${r.file}` : ''}`];
  const summary = summaryLine(r);
  if (summary !== '') lines.push(summary);
  if (r.format !== 'unrecognised') lines.push(`authenticity: ${r.authenticity}`);
  if (r.format === 'evidencebus-v15' || r.format === 'coherence-ledger-v13') {
    lines.push('segments:');
    for (const s of r.segments.slice(0, TEXT_FAILURES)) {
      lines.push(`  lines ${s.from}–${s.to} (${s.events}) head ${s.head.slice(0, 16)}…${s.breaks.length ? `  broken at line ${s.breaks.join(', ')}` : ''}`);
    }
    if (r.segments.length > TEXT_FAILURES) lines.push(`  … ${r.segments.length - TEXT_FAILURES} more`);
  }
  if (r.failures.length > 0) {
    lines.push(`failures (${r.failures.length}):`);
    lines.push(...failureLines(r.format, r.failures));
  }
  const notes = r.notes.filter((n) => !r.authenticity.includes(n)); // already printed as authenticity
  if (notes.length > 0) lines.push('notes:', ...notes.map((n) => `  - ${n}`));
  return lines.join('\n');
}

/** A readable report of a set of files verified together. */
export function formatQfsSetReport(s: QfsSetReport): string {
  const lines = [`${s.ok ? 'VALID' : 'INVALID'}  qfs-set (${s.files.length} files)`];
  for (const r of s.files) {
    lines.push(`  ${r.ok ? 'ok     ' : 'FAILED '} ${r.format.padEnd(21)} ${r.file ?? ''}${r.failures.length ? `  (${r.failures.length} failures)` : ''}`);
    const summary = summaryLine(r);
    if (summary !== '') lines.push(`          ${summary}`);
  }
  for (const c of s.crossChecks) {
    lines.push(`cross-check ${c.artifactId}: ${c.matched.length} entr${c.matched.length === 1 ? 'y' : 'ies'} reference current content [${c.matched.join(', ')}], ${c.mismatched.length} reference earlier content${c.current ? '' : ' (the latest entry is not current)'}`);
  }
  const formats = new Map(s.files.map((r) => [r.file ?? '', r.format] as const));
  if (s.failures.length > 0) {
    lines.push(`failures (${s.failures.length}):`);
    lines.push(...failureLines('', s.failures, (f) => formats.get(f.file ?? '') ?? ''));
  }
  if (s.notes.length > 0) lines.push('notes:', ...s.notes.map((n) => `  - ${n}`));
  const authenticity = [...new Set(s.files.filter((r) => r.format !== 'unrecognised').map((r) => `${r.format}: ${r.authenticity}`))];
  if (authenticity.length > 0) lines.push('authenticity:', ...authenticity.map((a) => `  - ${a}`));
  return lines.join('\n');
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** PoE files a governance index names by retrieval_path that exist on disk near it. */
async function findArtifacts(indexPath: string, bytes: Uint8Array): Promise<QfsFile[]> {
  let doc: unknown;
  try {
    doc = parseStrict(new TextDecoder().decode(bytes), { mode: 'python' });
  } catch {
    return [];
  }
  const entries = (doc as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) return [];
  const paths = new Set<string>();
  for (const e of entries) {
    const p = (e as { retrieval_path?: unknown } | null)?.retrieval_path;
    if (typeof p === 'string' && p !== '' && !p.startsWith('/') && !p.split(/[\\/]/).includes('..')) paths.add(p);
  }
  const found: QfsFile[] = [];
  for (const p of [...paths].sort()) {
    let dir = dirname(resolve(indexPath));
    for (let up = 0; up <= 3; up++) {
      const candidate = join(dir, p);
      if (await isFile(candidate)) {
        found.push({ name: relative(process.cwd(), candidate) || candidate, bytes: new Uint8Array(await readFile(candidate)) });
        break;
      }
      dir = dirname(dir);
    }
  }
  return found;
}

function exitCode(ok: boolean, reports: readonly QfsReport[]): number {
  if (reports.some((r) => r.format === 'unrecognised')) return 2;
  return ok ? 0 : 1;
}

/** Verifies several QFS files together (PoE artifacts against governance indexes). */
export async function verifyQfsFiles(paths: readonly string[], opts: QfsCliOptions): Promise<number> {
  const io = opts.io ?? defaultIo;
  const files: QfsFile[] = [];
  for (const p of paths) {
    try {
      files.push({ name: p, bytes: new Uint8Array(await readFile(p)) });
    } catch (e) {
      io.err(`atlas verify: cannot read ${p}: ${(e as Error).message}`);
      return 2;
    }
  }
  const s = verifyQfsSet(files);
  io.out(opts.json ? JSON.stringify(s, null, 2) : formatQfsSetReport(s));
  return exitCode(s.ok, s.files);
}

/** `atlas verify FILE [--json]` for a QFS artifact. Returns the exit code. */
export async function verifyQfsFile(path: string, opts: QfsCliOptions): Promise<number> {
  const io = opts.io ?? defaultIo;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    io.err(`atlas verify: cannot read ${path}: ${(e as Error).message}`);
    return 2;
  }
  const report = verifyQfs(bytes, path);
  if (report.format === 'gov-index-v15' && opts.artifacts !== false) {
    const artifacts = await findArtifacts(path, bytes);
    if (artifacts.length > 0) {
      const s = verifyQfsSet([{ name: path, bytes }, ...artifacts]);
      s.notes.unshift(`cross-checked with ${artifacts.length} PoE artifact file(s) found by retrieval_path: ${artifacts.map((a) => a.name).join(', ')}`);
      io.out(opts.json ? JSON.stringify(s, null, 2) : formatQfsSetReport(s));
      return exitCode(s.ok, s.files);
    }
  }
  io.out(opts.json ? JSON.stringify(report, null, 2) : formatQfsReport(report));
  return exitCode(report.ok, [report]);
}

// `atlas verify FILE` hands files that are not bundle manifests here (src/cli/file-verifiers.ts).
registerFileVerifier((path, options, io) => verifyQfsFile(path, { json: options.json, io }));
