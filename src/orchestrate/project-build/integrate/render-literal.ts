/**
 * @module orchestrate/project-build/integrate/render-literal
 * JSON test values written as TypeScript literals for generated test files. Unlike `verify/render-value` (short
 * renderings for messages) this never truncates, and it keeps the literal's meaning: `__proto__` keys are written as
 * computed keys (a plain `"__proto__": x` would set the prototype instead of an own property).
 */

/**
 * Renders a JSON value (plus `undefined`, `NaN`, `±Infinity`, `-0` and bigints) as a TypeScript expression.
 * Arrays and objects are written on one line: `[1, "a", { "k": null }]`.
 */
export function renderLiteral(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return '-0';
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item: unknown) => renderLiteral(item)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => {
      const name = key === '__proto__' ? `["__proto__"]` : JSON.stringify(key);
      return `${name}: ${renderLiteral(item)}`;
    });
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  throw new TypeError(`Cannot write a ${typeof value} as a TypeScript literal.`);
}

/** True when `value` holds a number or `null` anywhere (such expectations are compared as the verifier does). */
export function holdsNumberOrNull(value: unknown): boolean {
  if (value === null || typeof value === 'number') return true;
  if (Array.isArray(value)) return value.some((item: unknown) => holdsNumberOrNull(item));
  if (typeof value === 'object') return Object.values(value).some((item: unknown) => holdsNumberOrNull(item));
  return false;
}
