/**
 * @module task-spec/importers/read-jsonl
 * Reads a JSON Lines benchmark file and checks each record against a (tolerant) zod schema.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { DatasetFileError } from './dataset-errors.js';

/**
 * Reads `path` (one JSON object per non-blank line) and validates each record with `schema`.
 *
 * @throws DatasetFileError (`dataset_unavailable`) when the file cannot be read;
 *   (`invalid_dataset_record`) naming the line of a record that is not JSON or fails `schema`.
 */
export async function readJsonl<T>(path: string, schema: z.ZodType<T>): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DatasetFileError({ path, invalidRecord: false, detail: error instanceof Error ? error.message : String(error), cause: error });
  }
  const records: T[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line) as unknown;
    } catch (error) {
      throw new DatasetFileError({ path, invalidRecord: true, line: index + 1, detail: 'not valid JSON', cause: error });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const detail = `record does not match the expected fields (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`;
      throw new DatasetFileError({ path, invalidRecord: true, line: index + 1, detail, cause: parsed.error });
    }
    records.push(parsed.data);
  }
  return records;
}
