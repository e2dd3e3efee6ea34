/**
 * @module bench/hanoi/record-throughput
 * Measures how fast step decisions can be recorded in a SQLite run store: per record through the RunStore contract
 * (one committed transaction each, with the store's default `synchronous = full` and with `normal`) against the
 * batched checkpoint writer (one transaction per checkpoint interval).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchedDecisionLog, StoreDecisionLog, countRecords, type DecisionLog } from './decision-log.js';

/** One measured writer. */
export interface ThroughputRow {
  readonly mode: string;
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly microsecondsPerRecord: number;
}

/** Writes `records` synthetic step decisions with each writer into fresh files under `folder`. */
export async function measureRecordThroughput(options: {
  readonly folder: string;
  readonly perRecordFull: number;
  readonly perRecordNormal: number;
  readonly batched: number;
  readonly checkpointEvery: number;
}): Promise<ThroughputRow[]> {
  const modes: { mode: string; records: number; open: (path: string) => Promise<DecisionLog> }[] = [
    { mode: 'per-record RunStore (synchronous=full, default)', records: options.perRecordFull, open: (path) => StoreDecisionLog.open({ path, runId: 'throughput', config: {}, synchronous: 'full' }) },
    { mode: 'per-record RunStore (synchronous=normal)', records: options.perRecordNormal, open: (path) => StoreDecisionLog.open({ path, runId: 'throughput', config: {}, synchronous: 'normal' }) },
    { mode: `batched, 1 transaction per ${options.checkpointEvery} steps (synchronous=full)`, records: options.batched, open: (path) => BatchedDecisionLog.open({ path, runId: 'throughput', config: {}, synchronous: 'full' }) },
  ];
  const rows: ThroughputRow[] = [];
  for (const [index, mode] of modes.entries()) {
    const path = join(options.folder, `throughput-${index}.sqlite`);
    const log = await mode.open(path);
    const started = performance.now();
    for (let step = 1; step <= mode.records; step += 1) {
      await log.recordDecision({
        taskId: `step-${step}`, outcome: 'consensus', classKey: '[1, 0, 2]',
        code: 'move = [1, 0, 2]\nnext_state = [[20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2], [], [1]]',
        votes: 3, runnerUpVotes: 0, samples: 3, k: 3, reason: '', decidedAt: Date.now(),
      });
      if (step % options.checkpointEvery === 0 || step === mode.records) await log.checkpoint(step, '[[20, 19], [], [1]]', '[1, 0, 2]');
    }
    await log.close({ records: mode.records });
    const seconds = (performance.now() - started) / 1000;
    const counted = countRecords(path, 'throughput');
    if (counted.decisions !== mode.records) throw new Error(`${mode.mode}: wrote ${mode.records} decisions, read back ${counted.decisions}`);
    rows.push({ mode: mode.mode, records: mode.records, recordsPerSecond: mode.records / seconds, microsecondsPerRecord: (seconds * 1e6) / mode.records });
    await rm(path, { force: true });
    await rm(`${path}-wal`, { force: true });
    await rm(`${path}-shm`, { force: true });
  }
  return rows;
}
