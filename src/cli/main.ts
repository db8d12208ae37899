// `atlas`: the ATLAS Verifier command line. Errors are one clear line, never a stack trace.
// Exit codes: 0 valid / success, 1 verification failure, 2 usage or I/O error.

import { setFlagsFromString } from 'node:v8';
import { BundleSourceError } from '../lib/core/bundle-source';
import { useSha256Backend } from '../lib/core/hash';
import { UsageError, commands, findCommand, type CommandIo } from './command';
import './commands/index';
import { nodeSha256Backend } from './sha256-node';

useSha256Backend(nodeSha256Backend); // OpenSSL SHA-256 for every core hash (issue 7)
// The old generation may grow by 20 % of what the last full GC kept before the next one, instead of
// V8's own factor (up to 4x on a heap that may grow to gigabytes): a verification's live state only
// grows, and V8 had let the heap reach about twice it. 1M events, --threads 2: peak RSS 719-799 ->
// 580 MB, max heapUsed 270-361 -> 160 MB, at ~5 s more GC CPU on V8's helper threads (main thread
// within the run-to-run spread). Read by V8 at every full GC, so setting it here, after startup,
// takes effect; --max-old-space-size would cap the heap instead and can only be set at startup.
setFlagsFromString('--heap-growing-percent=20');

const io: CommandIo = {
  out: (t) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  write: (bytes) =>
    new Promise((resolve, reject) => {
      process.stdout.write(bytes, (e) => (e ? reject(e) : resolve()));
    })
};

function help(): string {
  const lines = ['usage: atlas <command> [arguments]', '', 'commands:'];
  for (const c of commands()) lines.push(`  ${c.usage}`, `      ${c.summary}`);
  lines.push('', 'exit codes: 0 valid, 1 verification failure, 2 usage or I/O error');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  const cmd = findCommand(name);
  if (!cmd) {
    io.err(`atlas: unknown command ${JSON.stringify(name)} (atlas help lists the commands)`);
    return 2;
  }
  try {
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`atlas ${name}: ${e.message}\nusage: ${cmd.usage}`);
      return 2;
    }
    if (e instanceof BundleSourceError) {
      io.err(`atlas ${name}: cannot read ${e.message}`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === 'string' && typeof err.message === 'string') {
      io.err(`atlas ${name}: ${err.message}`);
      return 2;
    }
    io.err(`atlas ${name}: internal error: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});
// Should the event loop drain before main settles, the exit code must not claim success.
process.exitCode = 2;
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`atlas: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  }
);
