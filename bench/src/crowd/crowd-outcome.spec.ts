import { classifyCrowd } from './crowd-outcome';

describe('classifyCrowd', () => {
  it('takes elapsedMs from complete and partial aggregates (504 included)', () => {
    expect(classifyCrowd(200, '{"uid":"a","status":"complete","results":{},"missing":[],"elapsedMs":12.5}')).toEqual({
      kind: 'complete',
      elapsedMs: 12.5,
    });
    expect(classifyCrowd(200, '{"uid":"a","status":"partial","missing":["chain3"],"elapsedMs":3000}')).toEqual({
      kind: 'partial',
      elapsedMs: 3000,
    });
    expect(classifyCrowd(504, '{"uid":"a","status":"partial","elapsedMs":3001}')).toEqual({ kind: 'partial', elapsedMs: 3001 });
    expect(classifyCrowd(504, '')).toEqual({ kind: 'partial' });
    expect(classifyCrowd(200, '{"status":"complete","elapsedMs":"soon"}')).toEqual({ kind: 'complete' });
  });

  it('counts every 503 as shed, named by its code', () => {
    expect(classifyCrowd(503, '{"error":{"code":"OVERLOADED","message":"…"}}')).toEqual({ kind: 'shed', detail: 'http 503 OVERLOADED' });
    expect(classifyCrowd(503, 'busy')).toEqual({ kind: 'shed', detail: 'http 503' });
  });

  it('anything else is an error by status and code', () => {
    expect(classifyCrowd(500, '{"error":{"code":"INTERNAL"}}')).toEqual({ kind: 'error', detail: 'http 500 INTERNAL' });
    expect(classifyCrowd(200, 'not json')).toEqual({ kind: 'error', detail: 'unparsable answer' });
  });
});
