/**
 * @module decompose/json-answer
 * Finds the JSON object in a model's answer: the whole answer when it is a bare object, else the first ```json
 * fenced block. Nothing is repaired (MAKER, Meyerson et al. 2025, arXiv 2511.09030, §3.3): an answer with prose
 * around a bare object, trailing commas or a truncated object has no JSON object.
 */
import type { z } from 'zod';

/** The parsed object, or why none was found. */
export type JsonAnswer =
  | { readonly ok: true; readonly value: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly reason: string };

const JSON_FENCE = /```[ \t]*json[ \t]*\r?\n([\s\S]*?)```/i;

/**
 * Extracts the JSON object of `text`.
 * - A bare object: `text` trimmed starts with `{` and parses as a JSON object.
 * - Otherwise the first fenced block labelled `json` (case-insensitive) whose content parses as a JSON object.
 * Never throws.
 */
export function extractJsonObject(text: string): JsonAnswer {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'the answer is empty' };
  if (trimmed.startsWith('{')) return parseObject(trimmed, 'the answer');
  const fenced = JSON_FENCE.exec(text);
  if (fenced !== null) return parseObject((fenced[1] ?? '').trim(), 'the first ```json block');
  return { ok: false, reason: 'the answer is neither a bare JSON object nor holds a ```json fenced block' };
}

function parseObject(source: string, where: string): JsonAnswer {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    return { ok: false, reason: `${where} is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: `${where} is JSON but not an object` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * `json` (a recorded answer's canonical JSON) parsed and checked against `schema`; null when it is null, not JSON or
 * not of the schema. Never throws.
 */
export function parseJsonWith<S extends z.ZodType>(schema: S, json: string | null): z.output<S> | null {
  if (json === null) return null;
  try {
    const result = schema.safeParse(JSON.parse(json));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
