/**
 * @module queue
 * The queue between a run's owner and its workers (`work-queue.ts`), its in-process and Redis (BullMQ)
 * implementations, and their errors.
 */
export * from './work-queue.js';
export { InProcessQueue, type InProcessQueueOptions } from './in-process-queue.js';
export { BullmqQueue, type BullmqQueueOptions } from './redis/bullmq-queue.js';
export { jobCounts, pingRedis, pingRedisUrl, redisConnection } from './redis/redis-connection.js';
export { ClaimLostError } from './errors/claim-lost-error.js';
export { QueueUnavailableError } from './errors/queue-unavailable-error.js';
export { SampleJobRefusedError } from './errors/sample-job-refused-error.js';
export { BullmqRunQueue, type BullmqRunQueueOptions, type ClaimedRunJob, type RunJobRequest, type RunJobView, type RunScheduleView, type SubmittedRunView, submittedJobId } from './redis/bullmq-run-queue.js';
