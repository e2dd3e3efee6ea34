import { describe, expect, test } from 'vitest';
import { createWorkerMetrics } from './worker-metrics.js';

/** The value of one sample line of `text` (`name{labels} value`), or undefined. */
function valueOf(text: string, line: string): number | undefined {
  const found = text.split('\n').find((each) => each.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('worker metrics (zerr worker --metrics-port)', () => {
  test('jobs are counted by kind and outcome, completed ones timed, refusals by code; jobs in hand go up and down', async () => {
    const metrics = createWorkerMetrics({ defaultMetrics: false });
    let text = await metrics.render();
    // Every kind and outcome starts at 0, so a rate over a quiet window is 0, not absent.
    expect(valueOf(text, 'worker_jobs_total{kind="proposal",outcome="error"}')).toBe(0);

    metrics.onJob({ kind: 'claimed', jobId: 'a', jobKind: 'code', attempt: 1 });
    metrics.onJob({ kind: 'claimed', jobId: 'b', jobKind: 'proposal', attempt: 2 });
    expect(valueOf(await metrics.render(), 'worker_jobs_in_hand')).toBe(2);
    metrics.onJob({ kind: 'completed', jobId: 'a', jobKind: 'code', attempt: 1, durationMs: 1_500, verdict: 'class x' });
    metrics.onJob({ kind: 'completed', jobId: 'b', jobKind: 'proposal', attempt: 2, durationMs: 40, verdict: 'answer (10 tokens)' });
    // Refused before it was claimed: counted, but never in hand.
    metrics.onJob({ kind: 'refused', jobId: 'c', jobKind: 'unknown', code: 'protocol_mismatch', reason: 'v1' });
    metrics.onJob({ kind: 'claimed', jobId: 'd', jobKind: 'code', attempt: 1 });
    metrics.onJob({ kind: 'lost', jobId: 'd', reason: 'lock lapsed' });
    metrics.onJob({ kind: 'claimed', jobId: 'e', jobKind: 'code', attempt: 1 });
    metrics.onJob({ kind: 'error', jobId: 'e', jobKind: 'code', message: 'sandbox unavailable' });
    metrics.onJob({ kind: 'error', message: 'queue unavailable' });

    text = await metrics.render();
    expect(valueOf(text, 'worker_jobs_in_hand')).toBe(0);
    expect(valueOf(text, 'worker_jobs_total{kind="code",outcome="completed"}')).toBe(1);
    expect(valueOf(text, 'worker_jobs_total{kind="proposal",outcome="completed"}')).toBe(1);
    expect(valueOf(text, 'worker_jobs_total{kind="unknown",outcome="refused"}')).toBe(1);
    expect(valueOf(text, 'worker_jobs_total{kind="code",outcome="error"}')).toBe(1);
    expect(valueOf(text, 'worker_refusals_total{code="protocol_mismatch"}')).toBe(1);
    expect(valueOf(text, 'worker_claims_lost_total')).toBe(1);
    expect(valueOf(text, 'worker_job_duration_seconds_sum{kind="code"}')).toBe(1.5);
    expect(valueOf(text, 'worker_job_duration_seconds_bucket{le="1",kind="code"}')).toBe(0);
    expect(valueOf(text, 'worker_job_duration_seconds_bucket{le="0.05",kind="proposal"}')).toBe(1);
  });

  test('with default metrics, the process is described too', async () => {
    const text = await createWorkerMetrics().render();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});
