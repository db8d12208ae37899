// Entry points: verify one QFS file (profile detected from its shape) or a set of files verified
// together, where PoE artifacts are cross-checked against the governance index entries that
// reference them (docs/QFS_ARTIFACTS.md). Pure: bytes in, a plain report out.

import type { PyJson } from '../canonical-json';
import { verifyCoherenceLedger } from './coherence-ledger-v13';
import { detectText } from './detect';
import { verifyEvidenceBus } from './evidencebus-v15';
import { verifyGovIndex } from './gov-index-v15';
import { decodeText } from './jsonl';
import { crossCheckPoe, verifyPoe } from './poe-v1';
import type { PoeReport, QfsCrossCheck, QfsFinding, QfsProfile, QfsReport, QfsSetReport, UnrecognisedReport } from './report';

export interface QfsFile {
  name: string;
  bytes: Uint8Array;
}

function unrecognised(finding: QfsFinding, name?: string): UnrecognisedReport {
  return {
    ok: false,
    format: 'unrecognised',
    events: 0,
    failures: [finding],
    notes: [],
    authenticity: 'none: the file was not recognised',
    ...(name !== undefined ? { file: name } : {})
  };
}

/** The report of a governance index or PoE file that is not valid JSON: nothing else was checked. */
function unreadableDocument(profile: QfsProfile, message: string): QfsReport {
  const base = {
    ok: false,
    events: 0,
    failures: [{ seq: null, code: 'qfs.syntax' as const, message }],
    notes: ['the file is not valid JSON, so nothing in it was verified'],
    authenticity: 'none: the file could not be read'
  };
  if (profile === 'gov-index-v15') return { ...base, format: profile, start: '', head: '', hashesVerified: 0, linksVerified: 0, artifacts: {} };
  if (profile === 'poe-v1') return { ...base, format: profile, artifactId: '', proofHash: '', recomputed: '', scope: null };
  throw new TypeError(`unreadableDocument: ${profile} is not a single-document profile`);
}

function verifyWithDoc(bytes: Uint8Array, name?: string): { report: QfsReport; doc: PyJson | null } {
  const decoded = decodeText(bytes);
  if ('finding' in decoded) return { report: unrecognised(decoded.finding, name), doc: null };
  const d = detectText(decoded.text, name);
  if (!d.ok) return { report: unrecognised({ seq: null, code: 'qfs.unrecognised', message: d.message }, name), doc: null };
  let report: QfsReport;
  if (d.syntaxError !== undefined) {
    report = unreadableDocument(d.profile, d.syntaxError);
    if (name !== undefined) report.file = name;
    return { report, doc: null };
  }
  switch (d.profile) {
    case 'evidencebus-v15':
      report = verifyEvidenceBus(d.text);
      break;
    case 'coherence-ledger-v13':
      report = verifyCoherenceLedger(d.text);
      break;
    case 'gov-index-v15':
      report = verifyGovIndex(d.doc ?? null);
      break;
    case 'poe-v1':
      report = verifyPoe(d.doc ?? null);
      break;
  }
  if (name !== undefined) report.file = name;
  return { report, doc: d.doc ?? null };
}

/** Verifies one QFS artifact. Never throws on bad data; the report names every failure. */
export function verifyQfs(bytes: Uint8Array, name?: string): QfsReport {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('verifyQfs: bytes must be a Uint8Array');
  return verifyWithDoc(bytes, name).report;
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * Verifies several QFS files together: each on its own, then every PoE artifact against every
 * governance index that references its artifact_id. Index entries whose artifact is not among the
 * files are listed in a note, not failed: the set may be partial on purpose.
 */
export function verifyQfsSet(files: readonly QfsFile[]): QfsSetReport {
  if (!Array.isArray(files)) throw new TypeError('verifyQfsSet: files must be an array of {name, bytes}');
  const results = files.map((f) => ({ name: f.name, ...verifyWithDoc(f.bytes, f.name) }));
  const failures: QfsFinding[] = [];
  for (const r of results) for (const f of r.report.failures) failures.push({ ...f, file: r.name });

  const indexes = results.filter((r) => r.report.format === 'gov-index-v15');
  const poes = results.filter((r) => r.report.format === 'poe-v1');
  const crossChecks: QfsCrossCheck[] = [];
  const notes: string[] = [];
  for (const p of poes) {
    const poe = p.report as PoeReport;
    let referenced = false;
    for (const ix of indexes) {
      const res = crossCheckPoe(poe, p.name, ix.doc, ix.name);
      if (res === null) continue;
      referenced = true;
      crossChecks.push(res.check);
      failures.push(...res.failures);
    }
    if (indexes.length > 0 && !referenced) {
      failures.push({ seq: null, code: 'qfs.artifact-missing', file: p.name, message: `no governance index entry references ${poe.artifactId} (${p.name})` });
    }
  }
  if (poes.length > 0 && indexes.length === 0) notes.push('no governance index among the files: PoE artifacts were checked on their own');
  for (const ix of indexes) {
    const report = ix.report;
    if (report.format !== 'gov-index-v15') continue;
    const supplied = new Set(poes.map((p) => (p.report as PoeReport).artifactId));
    const unchecked = Object.keys(report.artifacts).filter((id) => !supplied.has(id));
    if (unchecked.length > 0) {
      const n = unchecked.reduce((s, id) => s + report.artifacts[id]!.length, 0);
      notes.push(`${ix.name}: ${n} entries reference artifacts not among the files (${unchecked.slice(0, 5).join(', ')}${unchecked.length > 5 ? ', …' : ''}); their proof_hash was not checked`);
    }
  }
  for (const c of crossChecks) {
    notes.push(
      `${baseName(c.file)} (${c.artifactId}): ${c.matched.length} index entr${c.matched.length === 1 ? 'y references' : 'ies reference'} its current content${c.matched.length > 0 ? ` (${c.matched.join(', ')})` : ''}; ${c.mismatched.length} reference earlier content${c.current ? '' : '; the latest entry does not reference its current content'}`
    );
  }
  return {
    ok: failures.length === 0,
    format: 'qfs-set',
    files: results.map((r) => r.report),
    crossChecks,
    failures,
    notes
  };
}
