import { requestStart } from './request-start';

describe('requestStart', () => {
  const now = 1_700_000_000_000;
  it('counts a request from its record timestamp, less the skew allowed', () => {
    expect(requestStart(now - 8000, now, 500)).toBe(now - 7500);
  });
  it('a record younger than the skew allowed starts now', () => {
    expect(requestStart(now - 300, now, 500)).toBe(now);
  });
  it('a timestamp in the future starts now', () => {
    expect(requestStart(now + 60_000, now, 0)).toBe(now);
  });
  it.each([-1, 0, Number.NaN])('a record without a usable timestamp (%d) starts now', (timestamp) => {
    expect(requestStart(timestamp, now, 500)).toBe(now);
  });
});
