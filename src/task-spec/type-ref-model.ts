/**
 * @module task-spec/type-ref-model
 * The language-neutral type model of a spec signature ({@link TypeRef}) and its union builder, shared by the
 * parsers in `type-ref.ts` and `simple-typescript-type.ts`.
 */

/** A field of an object type (`{ a: number; b?: string }`). */
export interface TypeRefField {
  readonly name: string;
  readonly type: TypeRef;
  /** True for `b?: T` (the key may be absent). */
  readonly optional: boolean;
}

/**
 * A language-neutral type.
 *
 * - `number`: TypeScript `number` (integer or float); `integer`: Python `int`; `float`: Python `float`.
 * - `bigint`: TypeScript `bigint`; `bytes`: Python `bytes`, `bytearray`; `date`: TypeScript `Date`.
 * - `null`: `null`, `undefined`, `void`, Python `None` (`undefined: true` for TypeScript `undefined`/`void`).
 * - `any`: `any`, `unknown`, `Any`, `object`, and every type the parsers do not understand.
 * - `array`: `T[]`, `Array<T>`, `List[T]`, bare `list`; with `container`: `tuple` for `Tuple[T, ...]` and bare
 *   `tuple`, `set` for `Set[T]`, `set`, `Set<T>`, `frozenset` for `FrozenSet[T]` (the value is written as a list and
 *   reaches the candidate as that container: `sandbox/typed-encoding.ts`).
 * - `tuple`: `[A, B]`, `Tuple[A, B]`.
 * - `record`: `Record<K, V>`, `{ [key: string]: V }`, `Dict[K, V]`, bare `dict`; with `container: 'map'`:
 *   `Map<K, V>` (written as an object, reaching the candidate as a `Map`).
 * - `object`: `{ a: number; b?: string }`.
 * - `union`: two or more members, flattened, without duplicates and without `null`.
 * - `optional`: a type or `null` - `Optional[T]`, `Union[T, None]`, `T | null`, `T | undefined` (the last with
 *   `undefined: true`).
 */
export type TypeRef =
  | { readonly kind: 'number' | 'integer' | 'float' | 'string' | 'boolean' | 'any' | 'bigint' | 'bytes' | 'date' }
  /** `undefined: true`: TypeScript `undefined` or `void` without `null` - a `null` in the spec reaches the candidate as `undefined`. */
  | { readonly kind: 'null'; readonly undefined?: true }
  | { readonly kind: 'array'; readonly element: TypeRef; readonly container?: 'tuple' | 'set' | 'frozenset' }
  | { readonly kind: 'tuple'; readonly elements: readonly TypeRef[] }
  | { readonly kind: 'record'; readonly key: TypeRef; readonly value: TypeRef; readonly container?: 'map' }
  | { readonly kind: 'object'; readonly fields: readonly TypeRefField[] }
  | { readonly kind: 'union'; readonly members: readonly TypeRef[] }
  /** `undefined: true`: `T | undefined` (TypeScript, no `null` member): a `null` in the spec reaches the candidate as `undefined`. */
  | { readonly kind: 'optional'; readonly inner: TypeRef; readonly undefined?: true };

/**
 * Whether values of `type` are numbers: a key of such a type is written as a string in a JSON object and read back
 * as a number (`Dict[int, V]`, `Map<number, V>`).
 */
export function isNumericType(type: TypeRef): boolean {
  return type.kind === 'integer' || type.kind === 'float' || type.kind === 'number';
}

/** Shorthands for the leaf types. */
export const ANY: TypeRef = { kind: 'any' };
const NULL: TypeRef = { kind: 'null' };
/** TypeScript `undefined` and `void`. */
export const UNDEFINED: TypeRef = { kind: 'null', undefined: true };

/**
 * Builds a normalised union: nested unions are flattened, duplicates (by structure) removed, and a `null`
 * member turns the rest into `optional` (`A | B | null` -> optional(union(A, B))). `any` absorbs everything.
 */
export function unionOf(members: readonly TypeRef[]): TypeRef {
  const flat: TypeRef[] = [];
  let hasNull = false;
  let hasUndefined = false;
  const add = (member: TypeRef): void => {
    if (member.kind === 'union') member.members.forEach(add);
    else if (member.kind === 'optional') {
      if (member.undefined === true) hasUndefined = true;
      else hasNull = true;
      add(member.inner);
    } else if (member.kind === 'null') {
      if (member.undefined === true) hasUndefined = true;
      else hasNull = true;
    } else if (!flat.some((seen) => JSON.stringify(seen) === JSON.stringify(member))) flat.push(member);
  };
  members.forEach(add);
  if (flat.some((member) => member.kind === 'any')) return ANY;
  const [first] = flat;
  const core: TypeRef | undefined = flat.length === 0 ? undefined : flat.length === 1 && first ? first : { kind: 'union', members: flat };
  // Only `undefined` (no `null`) among the members: a null written in the spec reaches the candidate as undefined.
  const onlyUndefined = hasUndefined && !hasNull;
  if (core === undefined) return onlyUndefined ? UNDEFINED : NULL;
  if (!hasNull && !hasUndefined) return core;
  return onlyUndefined ? { kind: 'optional', inner: core, undefined: true } : { kind: 'optional', inner: core };
}
