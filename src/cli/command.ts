// The `atlas` command registry. Each command file registers itself; src/cli/commands/index.ts
// imports them (one line per command), and main.ts dispatches on the first argument.

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
