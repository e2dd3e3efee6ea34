/**
 * @module bench/scale/sample-work
 * The simulated work of the `scale` benchmark, shared by its owner (bench/scale.ts) and its worker processes
 * (`scale-worker.ts`): one small TypeScript task (`clamp`), a {@link MockLanguageModel} that waits a fixed latency
 * and answers one fixed correct candidate (a stand-in for a remote code model: it sleeps, it burns no CPU), and
 * trusted stand-ins for the sandboxed candidate runner and the verifier, so that the real sample step
 * (`runSampleWorker` -> `executeSampleJob` -> `drawSample`) runs with a cost the benchmark sets: nothing
 * (`latency` work) or a fixed amount of CPU per job (`cpu` work).
 */
import { MockLanguageModel, TaskSpecSchema, type TaskSpec } from '../../src/index.js';
import type { SampleWorkerDependencies } from '../../src/orchestrate/remote-sample.js';
import type { CandidateRunner } from '../../src/sandbox/index.js';

/** The task every sample job of the benchmark draws: `clamp(x, low, high)` in TypeScript. */
export function scaleSpec(): TaskSpec {
  return TaskSpecSchema.parse({
    id: 'bench/scale-clamp',
    name: 'clamp',
    description: 'Clamp x into the closed range [low, high].',
    language: 'typescript',
    signature: {
      entryPoint: 'clamp',
      inputs: [{ name: 'x', type: 'number' }, { name: 'low', type: 'number' }, { name: 'high', type: 'number' }],
      output: { type: 'number' },
    },
    testCases: [
      { inputs: [5, 0, 10], expected: 5 },
      { inputs: [-1, 0, 10], expected: 0 },
      { inputs: [11, 0, 10], expected: 10 },
    ],
  });
}

/** The fixed answer of the simulated model: one fenced, correct `clamp`. */
export const SCALE_ANSWER = 'Here is the function.\n\n```typescript\nfunction clamp(x: number, low: number, high: number): number {\n' +
  '  return Math.min(Math.max(x, low), high);\n}\n```\n';

/** What a worker's sample costs besides the queue. */
export interface WorkCost {
  /** Simulated model latency per call, in ms (a timer: no CPU). */
  readonly modelLatencyMs: number;
  /** Iterations of {@link burnCpu} in the verification step (0: none). */
  readonly cpuIterations: number;
}

/**
 * A fixed amount of CPU work (xorshift32 rounds): the same work per job whatever the machine's load, so that
 * workers sharing a core take longer each. Returns a value that depends on every round (so it is not optimised away).
 */
export function burnCpu(iterations: number): number {
  let x = 2_463_534_242;
  for (let i = 0; i < iterations; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
  }
  return x;
}

/** Iterations of {@link burnCpu} that take about `targetMs` of CPU in this process (measured with `process.cpuUsage`). */
export function calibrateBurn(targetMs: number): number {
  burnCpu(1_000_000);
  let iterations = 1_000_000;
  for (;;) {
    const before = process.cpuUsage();
    burnCpu(iterations);
    const used = process.cpuUsage(before);
    const cpuMs = (used.user + used.system) / 1000;
    if (cpuMs >= 20) return Math.max(1, Math.round(iterations * (targetMs / cpuMs)));
    iterations *= 4;
  }
}

/**
 * The dependencies of a benchmark worker: the simulated model, no red-flag rules, a verifier that spends
 * `cost.cpuIterations` of CPU and passes, and a candidate runner that computes `clamp` in trusted code instead of
 * running the candidate in the sandbox. `onCpuMs` receives the CPU time each verification took.
 */
export function scaleWorkerDependencies(workerId: string, cost: WorkCost, onCpuMs: (cpuMs: number) => void = () => {}): SampleWorkerDependencies {
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const model = new MockLanguageModel({
    modelId: 'mock-fixed-latency',
    responses: async () => {
      if (cost.modelLatencyMs > 0) await sleep(cost.modelLatencyMs);
      return SCALE_ANSWER;
    },
  });
  const candidateRunner: CandidateRunner = {
    run: (request) => Promise.resolve({
      kind: 'ran',
      durationMs: 0,
      outcomes: request.calls.map((call) => {
        const [x, low, high] = call as readonly number[];
        return { kind: 'value' as const, value: Math.min(Math.max(x ?? 0, low ?? 0), high ?? 0) };
      }),
    }),
  };
  return {
    model,
    checks: { pythonTypes: true },
    redFlag: () => Promise.resolve([]),
    verify: () => {
      if (cost.cpuIterations > 0) {
        const before = process.cpuUsage();
        burnCpu(cost.cpuIterations);
        const used = process.cpuUsage(before);
        onCpuMs((used.user + used.system) / 1000);
      }
      return Promise.resolve({ passed: true });
    },
    candidateRunner,
    workerId,
  };
}
