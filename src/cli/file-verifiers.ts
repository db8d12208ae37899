// `atlas verify FILE` for files that are not bundle manifests: QFS artifacts. The QFS command module
// (src/cli/commands/qfs.ts) registers its verifier here when it is loaded.

import { UsageError, type CommandIo } from './command';

export type FileVerifier = (path: string, options: { json: boolean }, io: CommandIo) => Promise<number>;

let fileVerifier: FileVerifier | null = null;

export function registerFileVerifier(v: FileVerifier): void {
  fileVerifier = v;
}

export async function verifyFile(path: string, options: { json: boolean }, io: CommandIo): Promise<number> {
  if (!fileVerifier) throw new UsageError(`${path} is a file but not a bundle manifest, and no QFS artifact verifier is installed`);
  return fileVerifier(path, options, io);
}
