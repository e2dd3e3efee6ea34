/**
 * @module cli/source-date-epoch
 * Reads `SOURCE_DATE_EPOCH` (reproducible-builds.org specification: the number of seconds since 1970-01-01 UTC, a
 * non-negative decimal integer) for the commands whose output embeds dates (`zerr serve` dates the commits of the
 * builds it runs from it, as `zerr build` does).
 */

/** The name of the variable. */
export const SOURCE_DATE_EPOCH = 'SOURCE_DATE_EPOCH';

/**
 * `SOURCE_DATE_EPOCH` of `env` in ms: `{ ms: undefined }` when it is unset or empty, `{ ms }` for a valid value, or
 * `{ error }` with a one-line message naming the variable, the value and what was expected (the specification asks
 * tools to fail on a malformed value rather than ignore it).
 */
export function readSourceDateEpoch(env: Readonly<Record<string, string | undefined>> = process.env): { readonly ms: number | undefined } | { readonly error: string } {
  const raw = env[SOURCE_DATE_EPOCH];
  if (raw === undefined || raw.trim() === '') return { ms: undefined };
  const value = raw.trim();
  const seconds = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(seconds * 1000)) {
    return { error: `${SOURCE_DATE_EPOCH} is ${JSON.stringify(raw)}; expected a non-negative whole number of seconds since 1970-01-01 UTC, e.g. 1790000000` };
  }
  return { ms: seconds * 1000 };
}
