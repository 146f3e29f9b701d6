import { parseStat, parseStatus } from './proc-stat';

describe('/proc parsing', () => {
  it('reads utime and stime after the command name, even one with spaces and parentheses', () => {
    const fields = ['S', '1', '2', '3', '0', '-1', '4194560', '100', '0', '0', '0', '1234', '567', '0', '0', '20', '0', '11'];
    expect(parseStat(`4242 (node) ${fields.join(' ')}\n`)).toEqual({ utime: 1234, stime: 567 });
    expect(parseStat(`4242 (my (odd) name) ${fields.join(' ')}`)).toEqual({ utime: 1234, stime: 567 });
    expect(() => parseStat('garbage')).toThrow();
  });

  it('reads VmRSS and VmHWM in kB (0 when absent, as for a zombie)', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   90120 kB\nVmRSS:\t   80500 kB\nThreads:\t11\n';
    expect(parseStatus(status)).toEqual({ rssKb: 80500, hwmKb: 90120 });
    expect(parseStatus('Name:\tzombie\n')).toEqual({ rssKb: 0, hwmKb: 0 });
  });

  it('reads this very process', () => {
    const { readCpuTicks, readMemory } = jest.requireActual<typeof import('./proc-stat')>('./proc-stat');
    expect(readCpuTicks(process.pid)?.utime).toBeGreaterThanOrEqual(0);
    expect(readMemory(process.pid)?.rssKb).toBeGreaterThan(0);
    expect(readCpuTicks(2 ** 30)).toBeUndefined();
  });
});
