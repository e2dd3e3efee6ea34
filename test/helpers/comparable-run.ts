/**
 * TEST SUPPORT ONLY: what a run recorded, less what differs between two runs of the same samples (times and
 * durations), each list sorted, so that an in-process run and a queued one can be compared record for record.
 */
import type { RunRecord } from '../../src/store/run-store.js';

/** The records of `run` without times, durations and measured details. */
export function comparableRecords(run: RunRecord | undefined) {
  const strip = <T extends object>(records: readonly T[], keys: readonly string[]) => records
    .map((record) => Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key))))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    samples: strip(run?.samples ?? [], ['createdAt', 'latencyMs']),
    redFlags: strip(run?.redFlags ?? [], []),
    // The performance layer's reason quotes measured times.
    layerResults: strip((run?.layerResults ?? []).map((layer) => (layer.layer === 'performance' ? { ...layer, reason: '' } : layer)), ['durationMs', 'details']),
    votes: strip(run?.votes ?? [], []),
    callFailures: strip(run?.callFailures ?? [], ['createdAt']),
    decisions: strip(run?.decisions ?? [], ['decidedAt']),
  };
}
