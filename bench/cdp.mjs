// A headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: fd 3
// carries commands in, fd 4 replies and events out, each message NUL-terminated). The bench uses
// this instead of Playwright so the harness takes as little CPU as possible from the two cores it
// measures: Playwright tracks every network request of the page and its workers (several protocol
// events each, decoded and re-sent to its client), about 0.3 CPU-s of the ~3.4 the whole machine
// spent on one 10k run. Here only the commands the bench sends, and the events it asks for, cross
// the pipe. No extra runtime flags are needed (the raw WebSocket client does in Node 20).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The switches Playwright passes that matter for a measurement (no background work, no throttling
// of a page or worker that is not in front), plus the bench's own.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-field-trial-config',
  '--disable-hang-monitor',
  '--disable-ipc-flooding-protection',
  '--disable-dev-shm-usage',
  '--disable-breakpad',
  '--disable-sync',
  '--metrics-recording-only',
  '--password-store=basic',
  '--use-mock-keychain',
  '--hide-scrollbars',
  '--mute-audio'
];

/**
 * Start a fresh Chromium (its own temporary profile). Returns {pid, send, on, close}:
 * `send(method, params, sessionId)` resolves to the command's result (rejects on a protocol error),
 * `on(listener)` receives every event ({method, params, sessionId}).
 * `log`: a file that receives Chromium's stdout and stderr (what `--js-flags=--trace-opt` and the
 * like print; bench/thread-trace.mjs); by default stdout is discarded.
 */
export async function launchChromium({ args = [], log = null } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'atlas-bench-'));
  const child = spawn(CHROMIUM, [...CHROMIUM_ARGS, ...args, `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank'], {
    stdio: ['ignore', log ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe']
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  if (log) {
    const out = createWriteStream(log);
    child.stdout.pipe(out);
    child.stderr.on('data', (d) => out.write(d));
  }
  const input = child.stdio[3];
  const output = child.stdio[4];
  let nextId = 1;
  const pending = new Map();
  const listeners = [];
  let buffered = '';
  let exited = null;
  output.setEncoding('utf8');
  output.on('data', (chunk) => {
    buffered += chunk;
    let end;
    while ((end = buffered.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (!p) continue;
        if (msg.error) p.fail(new Error(`${p.method}: ${msg.error.message}`));
        else p.ok(msg.result);
      } else for (const l of listeners) l(msg);
    }
  });
  child.on('exit', (code, signal) => {
    exited = new Error(`chromium exited (${code ?? signal}): ${stderr.trim().slice(-800)}`);
    for (const p of pending.values()) p.fail(exited);
    pending.clear();
  });
  const send = (method, params = {}, sessionId) =>
    new Promise((ok, fail) => {
      if (exited) return fail(exited);
      const id = nextId++;
      pending.set(id, { ok, fail, method });
      input.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  // The browser is up once it answers.
  await send('Browser.getVersion');
  return {
    pid: child.pid,
    send,
    /** Receive every event; returns a function that stops it. */
    on(l) {
      listeners.push(l);
      return () => listeners.splice(listeners.indexOf(l), 1);
    },
    async close() {
      if (!exited) {
        await send('Browser.close').catch(() => undefined);
        await new Promise((r) => (exited ? r() : child.once('exit', r)));
      }
      rmSync(profile, { recursive: true, force: true });
    }
  };
}

/**
 * A page (tab) in `chrome`, attached with a flat session. Returns {sessionId, navigate(url),
 * evaluate(expression) → value, errors}: `errors` collects uncaught exceptions of the page.
 */
export async function openPage(chrome) {
  const { targetId } = await chrome.send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await chrome.send('Target.attachToTarget', { targetId, flatten: true });
  const errors = [];
  chrome.on((msg) => {
    if (msg.sessionId === sessionId && msg.method === 'Runtime.exceptionThrown') {
      const d = msg.params.exceptionDetails;
      errors.push(d.exception?.description ?? d.text);
    }
  });
  await chrome.send('Runtime.enable', {}, sessionId);
  await chrome.send('Page.enable', {}, sessionId);
  const evaluate = async (expression) => {
    const r = await chrome.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId);
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
    return r.result.value;
  };
  return {
    sessionId,
    errors,
    evaluate,
    /** Navigate and wait for the load event. */
    async navigate(url) {
      let off = () => {};
      const loaded = new Promise((ok) => {
        off = chrome.on((msg) => {
          if (msg.sessionId === sessionId && msg.method === 'Page.loadEventFired') ok();
        });
      });
      try {
        const r = await chrome.send('Page.navigate', { url }, sessionId);
        if (r.errorText) throw new Error(`navigate ${url}: ${r.errorText}`);
        await loaded;
      } finally {
        off();
      }
    },
    /** Poll `expression` every `everyMs` until it is truthy; resolves to its value. */
    async waitFor(expression, { everyMs = 100, timeoutMs = 300_000 } = {}) {
      const until = performance.now() + timeoutMs;
      for (;;) {
        const v = await evaluate(expression);
        if (v) return v;
        if (performance.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
        await new Promise((r) => setTimeout(r, everyMs));
      }
    }
  };
}
