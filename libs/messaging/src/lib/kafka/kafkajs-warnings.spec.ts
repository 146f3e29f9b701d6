import { isKafkajsTimerWarning } from './kafkajs-warnings';

describe('isKafkajsTimerWarning', () => {
  const kafkajsStack = [
    'Error',
    '    at setTimeout (node:timers:125:19)',
    '    at RequestQueue.scheduleCheckPendingRequests (/app/node_modules/kafkajs/src/network/requestQueue/index.js:317:37)',
  ].join('\n');

  it("is the negative-timeout warning raised from kafkajs' request queue", () => {
    expect(isKafkajsTimerWarning('TimeoutNegativeWarning', kafkajsStack)).toBe(true);
  });

  it('is not the same warning from anywhere else, nor another warning from kafkajs', () => {
    expect(isKafkajsTimerWarning('TimeoutNegativeWarning', 'Error\n    at Gateway.submit (/app/main.cjs:1:1)')).toBe(false);
    expect(isKafkajsTimerWarning('DeprecationWarning', kafkajsStack)).toBe(false);
    expect(isKafkajsTimerWarning(undefined, kafkajsStack)).toBe(false);
  });
});
