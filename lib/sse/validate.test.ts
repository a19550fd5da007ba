import { describe, expect, it } from 'vitest';
import { array, boolean, check, int, number, object, oneOf, optional, record, refine, string } from './validate';

const codes = (result: ReturnType<typeof check>) =>
  result.ok ? [] : result.issues.map((i) => `${i.path.join('.')}: ${i.code}`);

describe('validators', () => {
  it('rebuild objects from their shape, dropping unknown fields', () => {
    const point = object({ name: string(1), n: int(0), on: boolean() });
    expect(check(point, { name: 'a', n: 2, on: true, extra: 1 })).toEqual({
      ok: true,
      value: { name: 'a', n: 2, on: true },
    });
  });

  it('report every problem with its path, in shape order', () => {
    const shape = object({ name: string(1), n: int(1), tags: array(string()), by: record(number()) });
    expect(codes(check(shape, { name: '', n: 0.5, tags: ['x', 3], by: { a: 1, b: 'no' } }))).toEqual([
      'name: too_small',
      'n: invalid_type',
      'tags.1: invalid_type',
      'by.b: invalid_type',
    ]);
    expect(codes(check(shape, null))).toEqual([': invalid_type']);
    expect(codes(check(shape, []))).toEqual([': invalid_type']);
  });

  it('take numbers only when finite, integers only when safe', () => {
    expect(codes(check(number(), Number.NaN))).toEqual([': invalid_type']);
    expect(codes(check(number(), Infinity))).toEqual([': invalid_type']);
    expect(codes(check(int(0), 2 ** 60))).toEqual([': invalid_type']);
    expect(codes(check(int(0), -1))).toEqual([': too_small']);
  });

  it('accept one of a set of strings', () => {
    const reason = oneOf(['a', 'b'] as const);
    expect(check(reason, 'b')).toEqual({ ok: true, value: 'b' });
    expect(codes(check(reason, 'c'))).toEqual([': invalid_value']);
  });

  it('refine only what already passed', () => {
    const pair = refine(array(number()), (xs) => xs.length === 2, 'want two');
    expect(check(pair, [1, 2]).ok).toBe(true);
    expect(check(pair, [1])).toEqual({ ok: false, issues: [{ path: [], code: 'custom', message: 'want two' }] });
    expect(codes(check(pair, ['x']))).toEqual(['0: invalid_type']);
  });

  it('leave an optional field out when it is absent, and check it when it is there', () => {
    const shape = object({ name: string(1), every: optional(int(1)) });
    const without: { name: string; every?: number } = { name: 'a' };
    expect(check(shape, without)).toEqual({ ok: true, value: { name: 'a' } });
    expect(check(shape, { name: 'a', every: 1000 })).toEqual({ ok: true, value: { name: 'a', every: 1000 } });
    expect(codes(check(shape, { name: 'a', every: 0 }))).toEqual(['every: too_small']);
    expect(codes(check(shape, { name: 'a', every: null }))).toEqual(['every: invalid_type']);
  });
});
