/**
 * Results cross the API, the CLI's --json and reports as JSON: no NaN, no Infinity, no undefined.
 * `jsonSafe` copies a value turning non-finite numbers into null, typed arrays into plain arrays and
 * dropping undefined object properties (undefined array slots become null), so that
 * `JSON.parse(JSON.stringify(x))` deep-equals `x`. `Jsonified<T>` is the honest type of the copy:
 * every number may have become null.
 */
import { BaseeratError } from '@baseerat/engine';

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

export type Jsonified<T> = T extends number
  ? number | null
  : T extends string | boolean | null
    ? T
    : T extends TypedArray
      ? (number | null)[]
      : T extends readonly (infer U)[]
        ? Jsonified<U>[]
        : T extends object
          ? { [K in keyof T as undefined extends T[K] ? never : K]: Jsonified<T[K]> } & {
              [K in keyof T as undefined extends T[K] ? K : never]?: Jsonified<Exclude<T[K], undefined>>;
            }
          : never;

export function jsonSafe<T>(value: T): Jsonified<T> {
  return copy(value, '$') as Jsonified<T>;
}

function copy(v: unknown, path: string): unknown {
  if (v === null) return null;
  switch (typeof v) {
    case 'number': return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : null;
    case 'string': case 'boolean': return v;
    case 'undefined': return null;
    case 'object': break;
    default: throw new BaseeratError('VALIDATION', `value at ${path} is a ${typeof v}, which JSON cannot carry`, { field: path });
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as TypedArray, (x) => (Number.isFinite(x) ? x : null));
  if (Array.isArray(v)) return v.map((x, i) => copy(x, `${path}[${i}]`));
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Map || v instanceof Set) throw new BaseeratError('VALIDATION', `value at ${path} is a ${v instanceof Map ? 'Map' : 'Set'}: convert it first`, { field: path });
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined) continue;
    out[k] = copy(x, `${path}.${k}`);
  }
  return out;
}

/** Paths of values that JSON would not carry faithfully (NaN, Infinity, undefined, functions): for tests and assertions. */
export function unsafeJsonPaths(v: unknown, path = '$', out: string[] = []): string[] {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return out;
  if (typeof v === 'number') { if (!Number.isFinite(v)) out.push(path); return out; }
  if (typeof v !== 'object') { out.push(path); return out; }
  if (ArrayBuffer.isView(v)) { out.push(path); return out; }
  if (Array.isArray(v)) { v.forEach((x, i) => unsafeJsonPaths(x, `${path}[${i}]`, out)); return out; }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) unsafeJsonPaths(x, `${path}.${k}`, out);
  return out;
}
