// The `atlas` command registry. Each command file registers itself; src/cli/commands/index.ts
// imports them (one line per command), and main.ts dispatches on the first argument.

import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  /** Raw bytes to stdout (atlas entry). */
  write(bytes: Uint8Array): Promise<void>;
}

export interface Command {
  name: string;
  /** One line for `atlas help`. */
  summary: string;
  /** The usage line, e.g. "atlas verify BUNDLE [--json] [--audit] [--trust FILE]". */
  usage: string;
  /** Returns the exit code: 0 valid/success, 1 verification failure, 2 usage or I/O error. */
  run(args: string[], io: CommandIo): Promise<number>;
}

/** Bad arguments: printed as one line with the usage, exit 2. */
export class UsageError extends Error {}

const registry = new Map<string, Command>();

export function registerCommand(c: Command): void {
  if (registry.has(c.name)) throw new TypeError(`atlas: command ${c.name} registered twice`);
  registry.set(c.name, c);
}

export function commands(): Command[] {
  return [...registry.values()];
}

export function findCommand(name: string): Command | undefined {
  return registry.get(name);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The argument shape every bundle command shares: `atlas CMD BUNDLE [options]`. node:util
 * parseArgs (strict), with its errors and a missing or extra BUNDLE turned into a UsageError.
 */
export function parseBundleArgs<const O extends Options>(args: string[], options: O) {
  const config = { args, allowPositionals: true as const, strict: true as const, options };
  let v: ReturnType<typeof parseArgs<typeof config>>;
  try {
    v = parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (v.positionals.length !== 1) throw new UsageError('expected exactly one BUNDLE');
  return { bundle: v.positionals[0]!, values: v.values };
}
