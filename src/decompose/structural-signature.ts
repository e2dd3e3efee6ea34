/**
 * @module decompose/structural-signature
 * The equivalence class key of a decomposition proposal: two proposals that describe the same set of functions
 * (entry point, input types, output type) wired the same way vote together in first-to-ahead-by-k voting (MAKER,
 * Meyerson et al. 2025, arXiv 2511.09030, Algorithm 2), whatever their ids, names, descriptions, tests, estimates
 * or subtask order. The structural counterpart of the execution-based `semanticSignature` used for code.
 */
import { createHash } from 'node:crypto';
import type { DecompositionProposal } from './decomposition-proposal.js';

/** A proposal's structure, canonicalised, and its short class key. */
export interface StructuralSignature {
  /**
   * Canonical JSON `{"functions":[[entryPoint,[inputType...],outputType]...],"edges":[[fromEntryPoint,toEntryPoint]...]}`
   * (a class's entry also holds `{"methods":[...],"fields":[...]}`, each `[name, [inputType...], outputType]` or
   * `[name, type]`, sorted; a proposal with a service ends with `"routes":[[method, pathTemplate, handlerEntryPoint]...]`,
   * path parameters written `{}`):
   * functions sorted and deduplicated, an edge `[a, b]` meaning the subtask with entry point `a` depends on `b`,
   * edges sorted and deduplicated. Type strings have whitespace runs collapsed and spaces next to punctuation
   * removed (`Array< number >` -> `Array<number>`); parameter names are ignored.
   */
  readonly signature: string;
  /** First 16 hex characters of the SHA-256 of `signature`. */
  readonly classKey: string;
}

/**
 * Computes the structural signature of `proposal`. A dependency on an unknown id (only possible for a proposal that
 * skipped red-flagging) is kept as `?<id>`. Never throws.
 */
export function structuralSignature(proposal: DecompositionProposal): StructuralSignature {
  const entryPointOf = new Map(proposal.subtasks.map((subtask) => [subtask.id, subtask.signature.entryPoint]));
  const functions = proposal.subtasks.map((subtask) => JSON.stringify([
    subtask.signature.entryPoint,
    subtask.signature.inputs.map((input) => normaliseType(input.type)),
    normaliseType(subtask.signature.output.type),
    // A class's shape: its methods (name, input types, output type) and fields (name, type), sorted.
    ...(subtask.taskType === 'class'
      ? [{
          methods: sortedUnique((subtask.methods ?? []).map((m) => JSON.stringify([m.name, m.inputs.map((input) => normaliseType(input.type)), normaliseType(m.output.type)]))),
          fields: sortedUnique((subtask.fields ?? []).map((f) => JSON.stringify([f.name, normaliseType(f.type)]))),
        }]
      : []),
  ]));
  const edges = proposal.subtasks.flatMap((subtask) => subtask.dependencies.map((dependency) =>
    JSON.stringify([subtask.signature.entryPoint, entryPointOf.get(dependency) ?? `?${dependency}`])));
  // A service's routes are part of its structure: method, path template and the handler's entry point.
  const routes = proposal.service === undefined ? undefined : sortedUnique(proposal.service.routes.map((route) =>
    JSON.stringify([route.method, route.path.replace(/\{[^}]+\}/g, '{}'), entryPointOf.get(route.handler) ?? `?${route.handler}`])));
  const signature = `{"functions":[${sortedUnique(functions).join(',')}],"edges":[${sortedUnique(edges).join(',')}]${routes === undefined ? '' : `,"routes":[${routes.join(',')}]`}}`;
  const classKey = createHash('sha256').update(signature).digest('hex').slice(0, 16);
  return { signature, classKey };
}

/** `Record< string ,  number[] >` -> `Record<string,number[]>`; `readonly  string[]` -> `readonly string[]`. */
export function normaliseType(type: string): string {
  return type.trim().replace(/\s+/g, ' ').replace(/ ?([[\](){}<>,:;|&?=]) ?/g, '$1');
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
