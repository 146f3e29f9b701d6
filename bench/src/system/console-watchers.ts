import { get, type ClientRequest } from 'node:http';

/** Consoles reading ops' live feed during a run, and what they received. */
export interface ConsoleWatchers {
  /** Events and bytes received so far, over every watcher. */
  received(): { events: number; bytes: number };
  close(): void;
}

/**
 * Opens `count` readers of ops' `/console/events` (the operator console's Server-Sent Events), as
 * that many browsers with the console open would hold them: each keeps its stream and reads every
 * event (counted, then dropped). Resolves once every one has received its `hello`. What they cost
 * ops — serialising and writing the events — is what `--console-watchers` measures; a browser's
 * own rendering runs elsewhere and is left out.
 */
export async function openConsoleWatchers(opsUrl: string, count: number): Promise<ConsoleWatchers> {
  let events = 0;
  let bytes = 0;
  const requests: ClientRequest[] = [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const request = get(`${opsUrl}/console/events`, (res) => {
            if (res.statusCode !== 200) {
              reject(new Error(`${opsUrl}/console/events answered ${String(res.statusCode)}`));
              res.resume();
              return;
            }
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              bytes += Buffer.byteLength(chunk);
              // One `event:` line per event (a line split across two chunks is missed: a count, not a check).
              events += chunk.match(/^event: /gm)?.length ?? 0;
              if (chunk.includes('event: hello')) resolve();
            });
          });
          request.on('error', reject);
          requests.push(request);
        }),
    ),
  );
  return {
    received: () => ({ events, bytes }),
    close: () => requests.forEach((r) => r.destroy()),
  };
}
