/**
 * @module llm/retry-after
 * Reads how long a server asked the client to wait before retrying: `Retry-After` (RFC 9110 §10.2.3: delay in
 * seconds or an HTTP date) and OpenAI's `retry-after-ms`.
 */

/** Header lookup: a fetch `Headers`, or a plain record of lower- or mixed-case names. */
export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The wait a response asks for, in ms, or undefined when it names none (or names it in a form that does not parse).
 *
 * - `retry-after-ms: 1500` (OpenAI, fractional allowed) wins over `retry-after`;
 * - `retry-after: 2` is 2000 ms (a non-negative decimal number of seconds);
 * - `retry-after: Wed, 21 Oct 2026 07:28:00 GMT` is the time until that date from `nowMs` (0 when it is past).
 *
 * @param headers the response headers (undefined: none).
 * @param nowMs the current time in epoch ms, for HTTP dates. Default `Date.now()`.
 */
export function retryAfterMsOf(headers: HeaderSource | undefined | null, nowMs: number = Date.now()): number | undefined {
  if (headers === undefined || headers === null) return undefined;
  const ms = headerOf(headers, 'retry-after-ms');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Number(ms);
  const value = headerOf(headers, 'retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its weekday and month in letters (IMF-fixdate, RFC 850, asctime); a bare number is not one.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function headerOf(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  for (const [key, value] of Object.entries(headers as Readonly<Record<string, string | readonly string[] | undefined>>)) {
    if (key.toLowerCase() !== name) continue;
    return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}
