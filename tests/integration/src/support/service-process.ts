import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait-for';

const REPO = join(__dirname, '../../../..');
const LOG_DIR = join(REPO, 'tmp/integration-logs');

/** One JSON log line of a service. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

/**
 * A service started from its built bundle (`dist/apps/<app>/main.cjs`), exactly as its image would
 * run it, with its JSON log kept for assertions (and written to tmp/integration-logs).
 */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  /** Everything it wrote, stdout and stderr, as written. */
  readonly output: string[] = [];
  /** Every process started by this test file, also those that exited before they were ready. */
  static readonly started: ServiceProcess[] = [];
  private exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts `app` with `env` on top of the test's environment and waits for `readyMsg` in its log. */
  static start(app: string, name: string, env: Record<string, string>, readyMsg: string): Promise<ServiceProcess> {
    return ServiceProcess.run(join(REPO, 'dist/apps', app, 'main.cjs'), name, env, readyMsg);
  }

  /** Runs the Node script `script` as service `name`, as {@link start} does for an app's bundle. */
  static async run(script: string, name: string, env: Record<string, string>, readyMsg: string): Promise<ServiceProcess> {
    mkdirSync(LOG_DIR, { recursive: true });
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(name, child);
    ServiceProcess.started.push(service);
    const file = createWriteStream(join(LOG_DIR, `${name}.log`), { flags: 'a' });
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      file.write(chunk);
      service.output.push(chunk.toString('utf8'));
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        try {
          service.logs.push(JSON.parse(line) as LogLine);
        } catch {
          service.logs.push({ msg: line });
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      file.write(chunk);
      service.output.push(chunk.toString('utf8'));
    });
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    void service.exit.then((how) => (exited = how));
    // A process that exits before it is ready ends the wait at once; its last lines say why.
    const ready = () => service.find((l) => l.msg === readyMsg);
    await waitFor(`${name} to log "${readyMsg}"`, () => ready() ?? exited, 60_000);
    if (!ready() && exited) {
      const how = exited.signal ? `on ${exited.signal}` : `with code ${exited.code}`;
      throw new Error(`${name} exited ${how} before it was ready: ${JSON.stringify(service.logs.slice(-3))}`);
    }
    return service;
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid as number;
  }

  /** The first log line that matches, if any. */
  find(predicate: (line: LogLine) => boolean): LogLine | undefined {
    return this.logs.find(predicate);
  }

  /** Sends a signal (SIGTERM, SIGKILL, SIGSTOP, SIGCONT …). */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with the exit code and signal once the process ended. */
  exited(timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return Promise.race([
      this.exit,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s) if it still runs. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.signal('SIGTERM');
    await this.exited(10_000).catch(() => {
      this.signal('SIGKILL');
      return this.exit;
    });
  }
}
