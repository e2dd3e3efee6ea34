/**
 * @module verify/performance/sized-inputs
 * Inputs of a chosen size generated from a signature's types, for the growth check of the `performance` layer:
 * every array/list parameter gets `n` elements and every string parameter `n` characters; scalars get a fixed
 * small value. Values are pseudo-random from a fixed seed (a 32-bit LCG), so runs are reproducible.
 */
import type { Signature } from '../../task-spec/task-spec.js';
import type { Language } from '../../task-spec/task-spec.js';
import { parseTypeRef, type TypeRef } from '../../task-spec/type-ref.js';

/** Whether a parameter of this type scales with `n` (an array or a string, possibly optional). */
export function isSized(type: TypeRef): boolean {
  if (type.kind === 'optional') return isSized(type.inner);
  return type.kind === 'array' || type.kind === 'string';
}

/** The parsed parameter types, or undefined when one cannot be parsed. */
export function parameterTypes(language: Language, signature: Signature): TypeRef[] | undefined {
  try {
    return signature.inputs.map((p) => parseTypeRef(language, p.type));
  } catch {
    return undefined;
  }
}

/**
 * One argument tuple of size `n`, or `undefined` when no parameter is sized or a type has no generator
 * (objects, records, tuples, unions of several kinds, `any`).
 */
export function sizedArgs(types: readonly TypeRef[], n: number, seed = 1): unknown[] | undefined {
  if (!types.some(isSized)) return undefined;
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  const value = (type: TypeRef, size: number, depth: number): unknown => {
    switch (type.kind) {
      case 'optional':
        return value(type.inner, size, depth);
      case 'integer':
      case 'number':
        return depth === 0 ? 3 : (next() % 2_000_001) - 1_000_000; // wide: elements mostly distinct
      case 'float':
        return depth === 0 ? 0.5 : ((next() % 200001) - 100000) / 100;
      case 'boolean':
        return depth === 0 ? true : next() % 2 === 0;
      case 'string':
        return Array.from({ length: depth === 0 ? size : 1 + (next() % 8) }, () => String.fromCharCode(97 + (next() % 26))).join('');
      case 'array':
        return depth === 0 ? Array.from({ length: size }, () => value(type.element, size, depth + 1)) : undefined;
      default:
        return undefined;
    }
  };
  const args = types.map((t) => value(t, n, 0));
  const unsupported = (a: unknown): boolean => a === undefined || (Array.isArray(a) && a.some((v) => v === undefined));
  return args.some(unsupported) ? undefined : args;
}

/** `f([...1000 items], "..." (2000 chars), 3)`: sized arguments summarised, scalars shown. */
export function renderSizedCall(entryPoint: string, args: readonly unknown[]): string {
  const show = (a: unknown): string => {
    if (Array.isArray(a)) return a.length > 8 ? `[...${a.length} items]` : JSON.stringify(a);
    if (typeof a === 'string') return a.length > 16 ? `"..." (${a.length} chars)` : JSON.stringify(a);
    const text = JSON.stringify(a) ?? String(a);
    return text.length > 40 ? `${text.slice(0, 37)}...` : text;
  };
  return `${entryPoint}(${args.map(show).join(', ')})`;
}
