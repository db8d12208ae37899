// A fetch Response for tests of the bundle sources.
import { utf8 } from '../../../src/lib/core/bytes';

/** A 200 response whose body delivers a few bytes and then fails, as a dropped connection does. */
export function brokenBody(): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (!sent) {
        sent = true;
        c.enqueue(utf8('{"ev'));
      } else c.error(new TypeError('network error'));
    }
  });
  return new Response(body, { status: 200 });
}
