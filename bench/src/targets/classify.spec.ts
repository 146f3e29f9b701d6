import { classifyAnswer, classifyHttp } from './classify';

describe('classifying answers of ops', () => {
  it('complete is ok, partial and 504 are partials', () => {
    expect(classifyHttp(200, '{"uid":"a","status":"complete","results":{}}')).toEqual({ kind: 'ok' });
    expect(classifyHttp(200, '{"uid":"a","status":"partial","missing":["chain3"]}')).toEqual({ kind: 'partial' });
    expect(classifyHttp(504, '{"uid":"a","status":"partial"}')).toEqual({ kind: 'partial', detail: 'http 504' });
  });

  it('anything else is an error, named by its status and code', () => {
    expect(classifyHttp(503, '{"error":{"code":"AT_CAPACITY","message":"…"}}')).toEqual({ kind: 'error', detail: 'http 503 AT_CAPACITY' });
    expect(classifyHttp(500, 'oops')).toEqual({ kind: 'error', detail: 'http 500' });
    expect(classifyHttp(200, 'not json')).toEqual({ kind: 'error', detail: 'unparsable answer' });
    expect(classifyAnswer('{"uid":"a","status":"error","error":{"code":"NO_SERVICES"}}')).toEqual({ kind: 'error', detail: 'NO_SERVICES' });
    expect(classifyAnswer('{"uid":"a"}')).toEqual({ kind: 'error', detail: 'status undefined' });
  });
});
