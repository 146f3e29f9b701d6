import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Component = 'kafka' | 'etcd';

function stackSh(repo: string, args: string[], timeoutMs: number, inherit: boolean): Promise<number> {
  return new Promise((resolve) => {
    const child = execFile('bash', [join(repo, 'scripts/stack.sh'), ...args], { cwd: repo, timeout: timeoutMs }, (error) =>
      resolve(error ? (typeof error.code === 'number' ? error.code : 1) : 0),
    );
    if (inherit) {
      child.stdout?.pipe(process.stderr);
      child.stderr?.pipe(process.stderr);
    }
  });
}

/**
 * The local Kafka + etcd of `scripts/stack.sh`: started when down, and at the end stopped again —
 * only the components this run started (a stack that was up stays up).
 */
export class Stack {
  private started: Component[] = [];

  constructor(private readonly repo: string) {}

  async ensure(): Promise<void> {
    for (const component of ['etcd', 'kafka'] as const) {
      if ((await stackSh(this.repo, ['status', component], 30_000, false)) !== 0) this.started.push(component);
    }
    if (this.started.length > 0) process.stderr.write(`bench: starting ${this.started.join(' and ')} (scripts/stack.sh start)\n`);
    const code = await stackSh(this.repo, ['start'], 600_000, true);
    if (code !== 0) throw new Error(`scripts/stack.sh start failed (exit ${code})`);
  }

  /** Components this run started. */
  get startedHere(): readonly Component[] {
    return this.started;
  }

  /** The pid of a component run by the stack script, if it runs here. */
  pid(component: Component): number | undefined {
    const file = join(process.env['STACK_DIR'] ?? join(this.repo, '.stack'), `${component}.pid`);
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`) ? pid : undefined;
  }

  /** Stops what `ensure` started. */
  async restore(): Promise<void> {
    for (const component of this.started) {
      process.stderr.write(`bench: stopping ${component} (it was not running before)\n`);
      await stackSh(this.repo, ['stop', component], 120_000, true);
    }
    this.started = [];
  }
}
