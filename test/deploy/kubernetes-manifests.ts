/**
 * @module test/deploy/kubernetes-manifests
 * Validates Kubernetes manifests with the OpenAPI schemas of the Kubernetes API that `kubernetes-models` compiles
 * (its models' `validate()`: types, required fields, enums, formats). An apiVersion/kind the package does not
 * model is a problem, never skipped. Unknown fields are not reported: the API's schemas allow them, as
 * `kubectl apply` without `--validate=strict` does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from 'kubernetes-models';
import { parseAllDocuments } from 'yaml';

/** One manifest document: where it came from and its parsed value. */
export interface ManifestDocument {
  readonly file: string;
  readonly index: number;
  readonly value: unknown;
}

interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly [key: string]: unknown;
}

type ModelClass = new (data: KubernetesObject) => { validate(): void };

/** `networking.k8s.io/v1` -> the `networkingK8sIo.v1` namespace of kubernetes-models; `v1` -> the core `v1`. */
function modelClass(apiVersion: string, kind: string): ModelClass | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : [undefined, apiVersion];
  const groupKey = group?.replace(/\.(\w)/g, (_match, letter: string) => letter.toUpperCase());
  const root = k8s as unknown as Record<string, Record<string, unknown> | undefined>;
  const versions = (groupKey === undefined ? root : root[groupKey]) as Record<string, Record<string, unknown> | undefined> | undefined;
  const model = version === undefined ? undefined : versions?.[version]?.[kind];
  return typeof model === 'function' ? (model as ModelClass) : undefined;
}

/** Every document of every `.yaml`/`.yml` file in `folder` (empty documents included, so they can be refused). */
export function readManifests(folder: string): ManifestDocument[] {
  return readdirSync(folder)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .flatMap((name) => parseAllDocuments(readFileSync(join(folder, name), 'utf8')).map((document, index) => {
      if (document.errors.length > 0) throw new Error(`${name}#${String(index)}: ${document.errors.map((error) => error.message).join('; ')}`);
      return { file: name, index, value: document.toJS() as unknown };
    }));
}

/** The problems of one document: not an object with apiVersion and kind, a kind not modelled, or schema errors. */
export function manifestProblems(document: ManifestDocument): string[] {
  const where = `${document.file}#${String(document.index)}`;
  const value = document.value as Partial<KubernetesObject> | null;
  if (value === null || typeof value !== 'object' || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
    return [`${where}: not a Kubernetes object (apiVersion and kind expected)`];
  }
  const Model = modelClass(value.apiVersion, value.kind);
  if (Model === undefined) return [`${where}: unknown kind ${value.apiVersion} ${value.kind}`];
  if (typeof value.metadata?.name !== 'string') return [`${where}: ${value.kind} without metadata.name`];
  try {
    new Model(value as KubernetesObject).validate();
    return [];
  } catch (error) {
    return [`${where} (${value.kind} ${value.metadata.name}): ${(error as Error).message}`];
  }
}

/** The documents of `documents` that are objects of `kind`. */
export function objectsOfKind(documents: readonly ManifestDocument[], kind: string): KubernetesObject[] {
  return documents.map((document) => document.value as KubernetesObject).filter((value) => value?.kind === kind);
}
