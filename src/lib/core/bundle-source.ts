// Where a bundle's bytes come from (docs/BUNDLE_FORMAT.md §6). The CLI implements BundleSource over
// the file system and http(s) (src/cli/node-source.ts), the web worker over fetch and picked files,
// the tests over a Map. Core only ever sees this interface: no I/O inside core.

export interface BundleSource {
  /** The bytes of manifest.json. A failure here is an I/O error, not a verification failure. */
  manifest(): Promise<Uint8Array>;
  /** A segment file as chunks, in order, as they arrive. */
  stream(path: string): AsyncIterable<Uint8Array>;
  /** A whole small file (checkpoint notes, content). */
  read(path: string): Promise<Uint8Array>;
  /** Human name of the bundle's location, for messages. */
  readonly label?: string;
}

/** Thrown by a BundleSource when a file is absent ('missing') or cannot be read ('io'). */
export class BundleSourceError extends Error {
  constructor(
    readonly path: string,
    readonly kind: 'missing' | 'io',
    message: string
  ) {
    super(message);
    this.name = 'BundleSourceError';
  }
}

/** A BundleSource over in-memory files (tests, picked files already read). */
export class MemorySource implements BundleSource {
  readonly label: string;
  constructor(
    readonly files: Map<string, Uint8Array>,
    options: { label?: string; chunk?: number } = {}
  ) {
    this.label = options.label ?? 'memory';
    this.#chunk = options.chunk ?? 65536;
  }
  readonly #chunk: number;

  #get(path: string): Uint8Array {
    const f = this.files.get(path);
    if (!f) throw new BundleSourceError(path, 'missing', `${path}: no such file in the bundle`);
    return f;
  }
  async manifest(): Promise<Uint8Array> {
    return this.#get('manifest.json');
  }
  async *stream(path: string): AsyncIterable<Uint8Array> {
    const f = this.#get(path);
    for (let o = 0; o < f.length; o += this.#chunk) yield f.subarray(o, Math.min(f.length, o + this.#chunk));
  }
  async read(path: string): Promise<Uint8Array> {
    return this.#get(path);
  }
}
