/**
 * Drives headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON
 * messages ending in NUL on file descriptors 3 and 4), with nothing but node:child_process: no
 * WebSocket client and no playwright needed. Only what the report test uses.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The Chromium binary: $CHROMIUM, else the first of the usual names on PATH, else null. */
export function findChromium(): string | null {
  const names = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'].filter(
    (n): n is string => Boolean(n),
  );
  for (const name of names) {
    const r = spawnSync(name, ['--version'], { encoding: 'utf8' });
    if (r.status === 0 && /chrom/i.test(r.stdout)) return name;
  }
  return null;
}

export interface PageEvent {
  method: string;
  params: Record<string, unknown>;
}

export interface Browser {
  /** Sends a command to the page's session (or the browser when `browserLevel`) and awaits its result. */
  send(method: string, params?: Record<string, unknown>, browserLevel?: boolean): Promise<Record<string, unknown>>;
  /** Opens `url` in a new tab and waits for its load event (every image loaded or failed by then). */
  open(url: string): Promise<void>;
  /** Evaluates an expression in the page and returns its JSON value; throws on a page exception. */
  evaluate<T>(expression: string): Promise<T>;
  /** Every event the page sent (console messages, exceptions, failed requests). */
  events: PageEvent[];
  close(): Promise<void>;
}

export async function launch(binary: string): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'collapse-lab-chromium-'));
  const child: ChildProcess = spawn(
    binary,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      '--window-size=1400,1000',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let nextId = 1;
  let sessionId: string | undefined;
  const pending = new Map<
    number,
    { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void; method: string }
  >();
  const events: PageEvent[] = [];
  const waiters: { method: string; resolve: () => void }[] = [];
  let buffer = '';
  let exited: Error | null = null;
  fromBrowser.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buffer.slice(0, end)) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
        method?: string;
        params?: Record<string, unknown>;
      };
      buffer = buffer.slice(end + 1);
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`${p.method}: ${msg.error.message}`));
        else p?.resolve(msg.result ?? {});
      } else if (msg.method) {
        events.push({ method: msg.method, params: msg.params ?? {} });
        for (const w of waiters.filter((x) => x.method === msg.method)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    }
  });
  child.on('exit', (code, signal) => {
    exited = new Error(
      `Chromium exited (code ${code}, signal ${signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
    for (const p of pending.values()) p.reject(exited);
    pending.clear();
  });
  const send = (method: string, params: Record<string, unknown> = {}, browserLevel = false) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      if (exited) return reject(exited);
      const id = nextId++;
      pending.set(id, { resolve, reject, method });
      toBrowser.write(
        JSON.stringify({ id, method, params, ...(browserLevel || !sessionId ? {} : { sessionId }) }) + '\0',
      );
    });
  const waitFor = (method: string) => new Promise<void>((resolve) => waiters.push({ method, resolve }));

  return {
    send,
    events,
    async open(url) {
      const { targetId } = (await send('Target.createTarget', { url: 'about:blank' }, true)) as { targetId: string };
      ({ sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true }, true)) as {
        sessionId: string;
      });
      await send('Page.enable');
      await send('Runtime.enable');
      await send('Log.enable');
      await send('Network.enable');
      const loaded = waitFor('Page.loadEventFired');
      const nav = (await send('Page.navigate', { url })) as { errorText?: string };
      if (nav.errorText) throw new Error(`Chromium could not open ${url}: ${nav.errorText}`);
      await loaded;
    },
    async evaluate<T>(expression: string) {
      const r = (await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
        result: { value: T };
        exceptionDetails?: { text: string; exception?: { description?: string } };
      };
      if (r.exceptionDetails)
        throw new Error(`Page script failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      return r.result.value;
    },
    async close() {
      if (!exited) {
        await send('Browser.close', {}, true).catch(() => {});
        await new Promise<void>((resolve) => {
          if (exited) resolve();
          else child.once('exit', () => resolve());
          setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 5000).unref();
        });
      }
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Evaluates `expression` on the open page laid out in a window `width` px wide, then restores the window. */
export async function evaluateAtWidth<T>(browser: Browser, width: number, expression: string): Promise<T> {
  await browser.send('Emulation.setDeviceMetricsOverride', { width, height: 900, deviceScaleFactor: 1, mobile: false });
  try {
    return await browser.evaluate<T>(expression);
  } finally {
    await browser.send('Emulation.clearDeviceMetricsOverride');
  }
}
