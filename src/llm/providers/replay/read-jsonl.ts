/**
 * @module llm/providers/replay/read-jsonl
 * Reads a JSON Lines file and validates each record, reporting the file and line of the first bad one.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ReplayDataError } from './replay-data-error.js';

/** One parsed record and its 1-based line number. */
export interface JsonlRecord<T> {
  readonly line: number;
  readonly value: T;
}

/**
 * Reads `file` (UTF-8 JSONL; blank lines skipped) and parses every line with `schema` (tolerant of extra fields).
 *
 * @throws ReplayDataError (`replay_data_invalid`) when the file cannot be read, or naming the line that is not
 *   JSON or does not match `schema`.
 */
export async function readJsonl<S extends z.ZodType>(
  file: string,
  schema: S,
  signal?: AbortSignal,
): Promise<JsonlRecord<z.output<S>>[]> {
  let text: string;
  try {
    text = await readFile(file, { encoding: 'utf8', ...(signal === undefined ? {} : { signal }) });
  } catch (error) {
    signal?.throwIfAborted();
    throw new ReplayDataError({ file, message: `cannot read file (${(error as Error).message})`, cause: error });
  }
  const records: JsonlRecord<z.output<S>>[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const raw = (lines[index] ?? '').trim();
    if (raw.length === 0) continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new ReplayDataError({ file, line: index + 1, message: 'not valid JSON', cause: error });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join('.') ?? '';
      throw new ReplayDataError({
        file,
        line: index + 1,
        message: `bad record${path === '' ? '' : ` at ${path}`}: ${issue?.message ?? 'invalid'}`,
        cause: parsed.error,
      });
    }
    records.push({ line: index + 1, value: parsed.data });
  }
  return records;
}
