/**
 * @module queue/sample-job-schema
 * The shape of a {@link SampleJob}, checked where one enters a queue and where a worker reads one back.
 */
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';
import type { SampleJob } from './work-queue.js';

/** A sample job as enqueued: strict, plain JSON. */
export const SampleJobSchema = z.strictObject({
  jobId: z.string().min(1).max(512).regex(/^[^:]+$/, 'an id without ":"'),
  runId: z.string().min(1),
  taskId: z.string().min(1),
  sampleIndex: z.number().int().nonnegative(),
  protocolVersion: z.number().int().positive(),
  priority: z.number().int().min(0).max(2_097_152).optional(),
  payload: z.record(z.string(), z.unknown()),
});

/**
 * `value` as a {@link SampleJob}.
 * @throws InvalidArgumentError (`invalid_argument`) naming the field, e.g. `job.sampleIndex`.
 */
export function parseSampleJob(value: unknown, name = 'job'): SampleJob {
  return parseOptions(SampleJobSchema, value, name) as SampleJob;
}
