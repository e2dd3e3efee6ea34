/**
 * @module telemetry/worker-metrics
 * Prometheus metrics of one queue worker (`zerr worker --metrics-port`), read from its job outcomes
 * (`runSampleWorker`'s `onJob`). The run's owner keeps the run's own metrics (samples, red flags, votes); a worker's
 * say how much it took, of which kind, and how it ended - for per-worker dashboards and for scaling the workers.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SampleJobOutcome } from '../orchestrate/sample-worker.js';

/** Buckets of `worker_job_duration_seconds`, in s: a proposal call (a model call) to a verified code sample. */
export const WORKER_JOB_DURATION_BUCKETS_S: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** A worker's metrics. */
export interface WorkerMetrics {
  readonly registry: Registry;
  /** Counts one job outcome; pass it as `onJob` (or call it from one). */
  onJob(outcome: SampleJobOutcome): void;
  /** Prometheus content type of {@link render}. */
  readonly contentType: string;
  /** The registry in the Prometheus text exposition format. */
  render(): Promise<string>;
}

/**
 * Registers, on a registry of its own (names as below):
 *
 * - `worker_jobs_total{kind="code|proposal|unknown",outcome="completed|refused|error"}` counter: jobs this worker
 *   ended (`error`: its machinery failed and the job's claim lapses to another worker), every pair starting at 0;
 * - `worker_claims_lost_total` counter: claims lost (the lock lapsed while the job ran);
 * - `worker_refusals_total{code}` counter: jobs refused, by code (`protocol_mismatch`, `unknown_run`, `invalid_job`,
 *   `checks_mismatch`);
 * - `worker_job_duration_seconds{kind}` histogram: claim to completion of a completed job, in s;
 * - `worker_jobs_in_hand` gauge: jobs claimed and not yet ended;
 *
 * plus prom-client's default process metrics (CPU, memory, event loop lag) unless `defaultMetrics` is false.
 */
export function createWorkerMetrics(options: { readonly defaultMetrics?: boolean } = {}): WorkerMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const jobs = new Counter({ name: 'worker_jobs_total', help: 'Jobs this worker ended, by kind (code, proposal) and outcome (completed, refused, error).', labelNames: ['kind', 'outcome'] as const, registers });
  for (const kind of ['code', 'proposal'] as const) for (const outcome of ['completed', 'refused', 'error'] as const) jobs.inc({ kind, outcome }, 0);
  const lost = new Counter({ name: 'worker_claims_lost_total', help: 'Claims lost while the job ran (the lock lapsed; another worker takes the job).', registers });
  const refusals = new Counter({ name: 'worker_refusals_total', help: 'Jobs refused, by code.', labelNames: ['code'] as const, registers });
  const duration = new Histogram({ name: 'worker_job_duration_seconds', help: 'Claim to completion of a completed job, in seconds.', labelNames: ['kind'] as const, buckets: [...WORKER_JOB_DURATION_BUCKETS_S], registers });
  const inHand = new Gauge({ name: 'worker_jobs_in_hand', help: 'Jobs claimed and not yet ended.', registers });
  /** Jobs counted in hand (claimed), so that an end without a claim (a refusal before it) is not subtracted. */
  const held = new Set<string>();
  const release = (jobId: string | undefined): void => {
    if (jobId !== undefined && held.delete(jobId)) inHand.set(held.size);
  };
  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    onJob(outcome) {
      switch (outcome.kind) {
        case 'claimed':
          held.add(outcome.jobId);
          inHand.set(held.size);
          break;
        case 'completed':
          release(outcome.jobId);
          jobs.inc({ kind: outcome.jobKind, outcome: 'completed' });
          duration.observe({ kind: outcome.jobKind }, outcome.durationMs / 1000);
          break;
        case 'refused':
          release(outcome.jobId);
          jobs.inc({ kind: outcome.jobKind, outcome: 'refused' });
          refusals.inc({ code: outcome.code });
          break;
        case 'lost':
          release(outcome.jobId);
          lost.inc();
          break;
        case 'error':
          release(outcome.jobId);
          if (outcome.jobId !== undefined) jobs.inc({ kind: outcome.jobKind ?? 'unknown', outcome: 'error' });
          break;
      }
    },
  };
}
