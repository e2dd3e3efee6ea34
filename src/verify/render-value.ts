/**
 * @module verify/render-value
 * Short, readable renderings of values and calls for layer reasons: `has_close_elements([1,2], 0.5)`.
 */

/** Renders a value as compact JSON, writing `NaN`, `Infinity`, `-0`, `undefined` and `123n` as such; at most `max` characters. */
export function renderValue(value: unknown, max = 120): string {
  let text: string;
  try {
    text = render(value, 0);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** `entry(arg1, arg2)` with each argument rendered by {@link renderValue}; at most about 200 characters. */
export function renderCall(entryPoint: string, args: readonly unknown[]): string {
  const text = args.map((a) => renderValue(a, 200)).join(', ');
  return `${entryPoint}(${text.length > 200 ? `${text.slice(0, 197)}...` : text})`;
}

function render(value: unknown, depth: number): string {
  if (depth > 20) return '...';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map((v) => render(v, depth + 1)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${render(v, depth + 1)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? String(value);
}
