/**
 * @module cli/spec-yaml
 * A task spec as a person reads and writes it: YAML of the fields that say something, test values on one line each.
 * What `zerr solve "<a task in words>"` writes to `spec.yaml` and `zerr chat` shows, so a spec shown is a file
 * `zerr solve` takes.
 */
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import type { TaskSpec } from '../index.js';

/** Options of {@link specToYaml}. */
export interface SpecToYamlOptions {
  /** The default limits (`LimitsSchema.parse({})`): limits equal to them are left out. */
  readonly defaultLimits: TaskSpec['limits'];
  /** Leave out `metadata` (how the spec was made: not part of what it asks). Default false. */
  readonly withoutMetadata?: boolean;
}

/**
 * The spec as YAML, without what goes without saying: empty lists and maps, task type `function`, priority 0,
 * `expectThrows: false`, the default limits. Loading the text (`loadTaskSpec`) gives the same spec back.
 */
export function specToYaml(spec: TaskSpec, options: SpecToYamlOptions): string {
  const defaultLimits = JSON.stringify(options.defaultLimits);
  const said = (value: unknown): boolean => !(Array.isArray(value) && value.length === 0) && !(typeof value === 'object' && value !== null && Object.keys(value).length === 0);
  const entries = Object.entries({
    ...spec,
    testCases: spec.testCases.map(({ expectThrows, ...test }) => (expectThrows ? { ...test, expectThrows } : test)),
  }).filter(([key, value]) => said(value)
    && !(key === 'taskType' && value === 'function') && !(key === 'priority' && value === 0)
    && !(key === 'limits' && JSON.stringify(value) === defaultLimits)
    && !(key === 'metadata' && options.withoutMetadata === true));
  const document = new Document(Object.fromEntries(entries));
  visit(document, {
    Pair(_key, pair) {
      // Test values, not the signature's parameter list (a list of maps).
      const values = isSeq(pair.value) && pair.value.items.every((item) => !isMap(item));
      if (values && isScalar(pair.key) && ['inputs', 'expected', 'args'].includes(String(pair.key.value)) && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  return document.toString({ lineWidth: 120 });
}
