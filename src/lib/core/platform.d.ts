// The only host facilities src/lib/core may use: UTF-8 text coding, which is pure and deterministic.
// Everything else (clock, randomness, timers, network, WebCrypto, node:*) is deliberately absent from
// this compilation unit (tsconfig.core.json has lib ES2022 only and no @types).
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
