import { openFilesLimit, parseOpenFilesLimit } from './fd-limit';

const LIMITS = [
  'Limit                     Soft Limit           Hard Limit           Units     ',
  'Max processes             96362                96362                processes ',
  'Max open files            20000                20000                files     ',
  'Max locked memory         8388608              8388608              bytes     ',
].join('\n');

describe('open files limit', () => {
  it('reads the soft limit of /proc/<pid>/limits', () => {
    expect(parseOpenFilesLimit(LIMITS)).toBe(20000);
    expect(parseOpenFilesLimit(LIMITS.replace('20000                20000', '1024                 4096'))).toBe(1024);
  });

  it('is null when unlimited or absent', () => {
    expect(parseOpenFilesLimit(LIMITS.replace('20000                20000', 'unlimited            unlimited'))).toBeNull();
    expect(parseOpenFilesLimit('Max processes 10 10 processes')).toBeNull();
  });

  it('reads this process', () => {
    const limit = openFilesLimit();
    expect(limit === null || limit > 0).toBe(true);
  });
});
