import { spawn, type ChildProcess } from 'node:child_process';
import { ProcessSampler } from './sampler';

const started: ChildProcess[] = [];
function sleeper(): number {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  started.push(child);
  return child.pid as number;
}
const exited = (child: ChildProcess): Promise<void> => new Promise((resolve) => child.once('exit', () => resolve()));

afterAll(() => {
  for (const c of started) c.kill('SIGKILL');
});

describe('ProcessSampler (on real processes)', () => {
  it('measures CPU and RSS of a window', () => {
    const sampler = new ProcessSampler();
    sampler.add('me', process.pid);
    sampler.windowStart();
    const until = Date.now() + 120;
    let spin = 0;
    while (Date.now() < until) spin++;
    const { usage, events } = sampler.windowEnd();
    expect(spin).toBeGreaterThan(0);
    expect(events).toEqual([]);
    expect(usage['me']?.pid).toBe(process.pid);
    expect(usage['me']?.cpuSeconds).toBeGreaterThanOrEqual(0);
    expect(usage['me']?.peakRssMb).toBeGreaterThan(1);
    expect(sampler.lifetime()['me']?.peakRssMb).toBeGreaterThan(1);
  });

  it('ignores a process that is not there', () => {
    const sampler = new ProcessSampler();
    sampler.add('nobody', 2 ** 30);
    sampler.add('nothing', undefined);
    sampler.windowStart();
    expect(sampler.windowEnd().usage).toEqual({});
  });

  it('reports a process that went away, and follows it to its new pid through the resolver', async () => {
    const first = sleeper();
    let current: number | undefined = first;
    const sampler = new ProcessSampler();
    sampler.add('broker', first, () => current);
    sampler.windowStart();
    const child = started[started.length - 1] as ChildProcess;
    child.kill('SIGKILL');
    await exited(child);
    current = undefined;
    const down = sampler.windowEnd();
    expect(down.events).toEqual([`broker (pid ${first}) went away`]);
    expect(down.usage['broker']?.cpuSeconds).toBeGreaterThanOrEqual(0);

    const second = sleeper();
    current = second;
    sampler.windowStart();
    const up = sampler.windowEnd();
    expect(up.events).toEqual([]); // the restart happened before this window…
    expect(up.usage['broker']?.pid).toBe(second);
    expect(sampler.lifetime()['broker']?.pid).toBe(second);
  });

  it('skips a sample it cannot read while the process is still there (out of file descriptors), instead of losing it', () => {
    jest.isolateModules(() => {
      let unreadable = false;
      jest.doMock('./proc-stat', () => {
        const actual = jest.requireActual<typeof import('./proc-stat')>('./proc-stat');
        return { ...actual, readCpuTicks: (pid: number) => (unreadable ? undefined : actual.readCpuTicks(pid)) };
      });
      const { ProcessSampler: Isolated } = jest.requireActual<typeof import('./sampler')>('./sampler');
      const sampler = new Isolated();
      sampler.add('me', process.pid);
      sampler.windowStart();
      unreadable = true;
      const blind = sampler.windowEnd();
      expect(blind.events).toEqual([]);
      expect(blind.usage['me']?.pid).toBe(process.pid);
      unreadable = false;
      sampler.windowStart();
      expect(sampler.windowEnd().usage['me']?.cpuSeconds).toBeGreaterThanOrEqual(0);
    });
  });
});
