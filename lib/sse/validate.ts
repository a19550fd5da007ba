/**
 * A few composable validators for JSON payloads: enough for the wire's three events, in a few
 * lines of browser code. (zod/mini did the same job for many times the first-load JS on this
 * app's build: too much for three schemas on every page load. The server keeps zod at its own
 * boundaries.)
 *
 * A validator returns the value rebuilt from what it checked (unknown object fields are dropped,
 * as a newer server may add some) and records every problem in `issues`, with the path to it and
 * a zod-like code. The result is only meaningful when no issue was recorded.
 */

export type Path = readonly (string | number)[];

export interface Issue {
  path: Path;
  /** `invalid_type` (missing or wrong type), `too_small`, `invalid_value` (not one of the allowed), `custom` (see message). */
  code: 'invalid_type' | 'too_small' | 'invalid_value' | 'custom';
  message: string;
}

export type Validator<T> = (value: unknown, path: Path, issues: Issue[]) => T;
export type Infer<V> = V extends Validator<infer T> ? T : never;

const fail = <T>(issues: Issue[], path: Path, code: Issue['code'], message: string, fallback: T): T => {
  issues.push({ path, code, message });
  return fallback;
};

export const string =
  (minLength = 0): Validator<string> =>
  (value, path, issues) => {
    if (typeof value !== 'string') return fail(issues, path, 'invalid_type', 'expected a string', '');
    if (value.length < minLength) return fail(issues, path, 'too_small', `shorter than ${minLength}`, value);
    return value;
  };

export const number = (): Validator<number> => (value, path, issues) =>
  typeof value === 'number' && Number.isFinite(value)
    ? value
    : fail(issues, path, 'invalid_type', 'expected a number', 0);

export const int =
  (min: number): Validator<number> =>
  (value, path, issues) => {
    if (!Number.isSafeInteger(value)) return fail(issues, path, 'invalid_type', 'expected an integer', 0);
    const n = value as number;
    return n < min ? fail(issues, path, 'too_small', `less than ${min}`, n) : n;
  };

export const boolean = (): Validator<boolean> => (value, path, issues) =>
  typeof value === 'boolean' ? value : fail(issues, path, 'invalid_type', 'expected a boolean', false);

export const oneOf =
  <const T extends readonly string[]>(values: T): Validator<T[number]> =>
  (value, path, issues) =>
    values.includes(value as string)
      ? (value as T[number])
      : fail(issues, path, 'invalid_value', `expected one of ${values.join(', ')}`, values[0]!);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const array =
  <T>(item: Validator<T>): Validator<T[]> =>
  (value, path, issues) =>
    Array.isArray(value)
      ? value.map((v, i) => item(v, [...path, i], issues))
      : fail(issues, path, 'invalid_type', 'expected an array', []);

export const record =
  <T>(item: Validator<T>): Validator<Record<string, T>> =>
  (value, path, issues) => {
    if (!isPlainObject(value)) return fail(issues, path, 'invalid_type', 'expected an object', {});
    const out: Record<string, T> = {};
    for (const [key, v] of Object.entries(value)) out[key] = item(v, [...path, key], issues);
    return out;
  };

/** A field a sender may leave out: absent (or `undefined`) stays absent, anything else must pass `item`. */
export interface OptionalValidator<T> extends Validator<T | undefined> {
  readonly optional: true;
}

export const optional = <T>(item: Validator<T>): OptionalValidator<T> =>
  Object.assign<Validator<T | undefined>, { optional: true }>(
    (value, path, issues) => (value === undefined ? undefined : item(value, path, issues)),
    { optional: true },
  );

type Shape = Record<string, Validator<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalValidator<unknown> ? K : never }[keyof S];
/** The object a shape validates: `optional(…)` fields become optional properties. */
export type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined>;
} extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

export const object =
  <S extends Shape>(shape: S): Validator<ObjectOf<S>> =>
  (value, path, issues) => {
    const input = isPlainObject(value) ? value : null;
    if (!input) return fail(issues, path, 'invalid_type', 'expected an object', {} as ObjectOf<S>);
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const field = check(input[key], [...path, key], issues);
      if (field !== undefined) out[key] = field;
    }
    return out as ObjectOf<S>;
  };

/** Runs `predicate` only on a value that passed `validator` (no point checking a broken one). */
export const refine =
  <T>(validator: Validator<T>, predicate: (value: T) => boolean, message: string): Validator<T> =>
  (value, path, issues) => {
    const before = issues.length;
    const result = validator(value, path, issues);
    if (issues.length === before && !predicate(result)) issues.push({ path, code: 'custom', message });
    return result;
  };

/** Validates `value`; `{ ok: false }` with every issue found. */
export function check<T>(
  validator: Validator<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const result = validator(value, [], issues);
  return issues.length ? { ok: false, issues } : { ok: true, value: result };
}
