import { runWorkQueueConformance } from '../../test/conformance/work-queue-conformance.js';
import { InProcessQueue } from './in-process-queue.js';

runWorkQueueConformance('in-process', { create: ({ lockMs }) => Promise.resolve(new InProcessQueue({ lockMs, stalledIntervalMs: 100 })) });
