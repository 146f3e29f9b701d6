import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { now, pollUntil } from '../load/clock';

/** One JSON log line. */
export type LogLine = Record<string, unknown> & { msg?: unknown };

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** If the benchmark dies, its children get a SIGTERM rather than being left behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGTERM');
  });
}

/**
 * A node process started from a built bundle, its stdout parsed as JSON log lines (kept, and
 * written with stderr to `logFile`), stopped with SIGTERM.
 */
export class ChildService {
  private readonly lines: LogLine[] = [];
  private readonly exit: Promise<number | null>;
  private exited = false;
  private readonly log: WriteStream;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    this.exit = new Promise((resolve) => {
      const exited = (code: number | null): void => {
        this.exited = true;
        live.delete(child);
        resolve(code);
      };
      child.once('exit', exited);
      // An executable that cannot be started (spawnExecutable) emits 'error' and never 'exit'.
      child.on('error', (error) => {
        this.log.write(`${name}: ${error.message}\n`);
        if (child.pid === undefined) exited(null);
      });
    });
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      this.log.write(chunk);
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) this.keep(line);
    });
    child.stderr?.on('data', (chunk: Buffer) => this.log.write(chunk));
  }

  /** Starts `node <bundle> [...args]` with `env` on top of this process's environment. */
  static spawn(name: string, bundle: string, args: string[], env: Record<string, string>, logDir: string): ChildService {
    installExitHook();
    // BENCH_NODE_ARGS: extra node flags for every spawned process, e.g. "--cpu-prof --cpu-prof-dir=tmp/prof" to profile.
    const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a.length > 0);
    const child = spawn(process.execPath, [...nodeArgs, bundle, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    return new ChildService(name, child, join(logDir, `${name}.log`));
  }

  /** Starts the executable `file [...args]` with `env` on top of this process's environment. */
  static spawnExecutable(name: string, file: string, args: string[], env: Record<string, string>, logDir: string): ChildService {
    installExitHook();
    const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    return new ChildService(name, child, join(logDir, `${name}.log`));
  }

  get hasExited(): boolean {
    return this.exited;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Waits until a log line has `msg === message`; throws if the process exits or time runs out. */
  async waitForLog(message: string, timeoutMs: number): Promise<LogLine> {
    const started = now();
    let found: LogLine | undefined;
    await pollUntil(() => {
      found = this.lines.find((l) => l.msg === message);
      return found !== undefined || this.exited;
    }, timeoutMs);
    if (found) return found;
    const tail = this.lines.slice(-3).map((l) => JSON.stringify(l));
    if (this.exited) throw new Error(`${this.name} exited before logging "${message}": ${tail.join(' | ')}`);
    throw new Error(`${this.name} did not log "${message}" within ${Math.round(now() - started)} ms: ${tail.join(' | ')}`);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  async stop(graceMs = 20_000): Promise<number | null> {
    if (!this.exited) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exit;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
    return this.exit;
  }

  private keep(line: string): void {
    if (line.trim() === '') return;
    try {
      this.lines.push(JSON.parse(line) as LogLine);
    } catch {
      this.lines.push({ msg: line });
    }
    if (this.lines.length > 2000) this.lines.splice(0, 1000);
  }
}
