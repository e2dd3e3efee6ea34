/**
 * @module store/record-keys
 * The human-readable keys that name a record in `DuplicateRecordError`, the same in every backend.
 */

type OfTask = { readonly taskId: string };
type OfSample = OfTask & { readonly sampleIndex: number };

export const recordKeys = {
  run: (runId: string): string => `run ${JSON.stringify(runId)}`,
  task: (r: OfTask): string => `task ${JSON.stringify(r.taskId)}`,
  sample: (r: OfSample): string => `task ${JSON.stringify(r.taskId)} sample ${r.sampleIndex}`,
  redFlag: (r: OfSample & { readonly rule: string }): string => `${recordKeys.sample(r)} rule ${JSON.stringify(r.rule)}`,
  layerResult: (r: OfSample & { readonly layer: string }): string => `${recordKeys.sample(r)} layer ${JSON.stringify(r.layer)}`,
  vote: (r: OfSample): string => recordKeys.sample(r),
  decision: (r: OfTask): string => recordKeys.task(r),
  escalation: (r: { readonly escalationId: string }): string => `escalation ${JSON.stringify(r.escalationId)}`,
  event: (r: { readonly id: number }): string => `event ${r.id}`,
};
