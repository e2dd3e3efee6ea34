/**
 * @module bench/classeval/selection
 * The second part of `classeval` (issue 14 #3): the ClassEval authors' recorded samples (`../shared/recorded/
 * classeval-c5/`, 5 per task and model, temperature 0.2) replayed through the engine on the imported class specs,
 * and what each way of choosing one class is worth on the hidden unittest suites:
 *
 * - random: the mean of the 5 samples' labels (expected pass@1 of a random pick);
 * - majority: the largest behaviour class of the 5 samples as they are (no red flags, no layers: every sample runs
 *   the visible and generated call sequences; a sample that does not load is a class of its own kind), its first sample;
 * - zerr: `engine.run` (red flags, the eight layers, first-to-ahead-by-k with k=2 over at most the 5 samples, best
 *   partial without consensus); its chosen sample;
 * - composed: the class composed method by method (`orchestrate/compose-class.ts`) on the base zerr chose (or, without a
 *   choice, the sample passing most visible sequences), verified through every layer, else zerr's choice;
 * - oracle: any of the 5 samples passes.
 *
 * A chosen recorded sample is scored by its recorded label (the authors' harness, exact). A composed class is new code:
 * it is scored on the hidden tests through the class proxy (`verify/score-hidden-tests.ts`, the tests and the class in
 * two sandboxed processes), on the tasks where the proxy gives every recorded sample its recorded label (where it
 * does not, the proxy's limits - files shared between tests and class, objects mutated in place - would score the
 * class, not the choice). The labels are read only to score, never to choose.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { createEngine } from '../../src/engine.js';
import { loadClassEvalSamples, type ClassEvalModel } from '../../src/llm/providers/replay/load-classeval.js';
import { ReplayLanguageModel } from '../../src/llm/providers/replay/replay-language-model.js';
import { classBehaviour, composeByMethodVote, splitClasses, type SplitSample } from '../../src/orchestrate/compose-class.js';
import { assembleCandidate } from '../../src/orchestrate/prompting/assemble-candidate.js';
import { signatureSequences } from '../../src/verify/generated-sequences.js';
import { SandboxCandidateRunner } from '../../src/sandbox/sandbox-candidate-runner.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { MemoryRunStore } from '../../src/store/memory/memory-run-store.js';
import type { BenchmarkProblem } from '../../src/task-spec/task-spec.js';
import type { Verifier } from '../../src/verify/index.js';
import { scoreOnHiddenTests } from '../../src/verify/score-hidden-tests.js';
import { TrackingModel } from '../selection/tracking-model.js';

/** Margin of the whole-class vote. */
export const SELECTION_K = 2;
/** Replay order seed. */
export const REPLAY_SEED = 0;
/** Generated call sequences per task for behaviour classes. */
const GENERATED_SEQUENCES = 12;
/** Per test class, as the labels were made. */
const MS_PER_TEST_CLASS = 10_000;

/** Labels of one task and model (`<Model>.labels.jsonl`). */
interface Labels {
  readonly task_id: string;
  readonly passed_class: readonly boolean[];
  readonly passed_methods: readonly (readonly boolean[])[];
  readonly usable: boolean;
}

/** What each way of choosing gave on one task. */
export interface TaskSelection {
  readonly taskId: string;
  readonly labels: readonly boolean[];
  /** Samples whose code assembled (a fenced block or bare code naming the class). */
  readonly majority: { readonly recorded: number; readonly passed: boolean; readonly classes: number };
  readonly zerr: {
    readonly outcome: string;
    readonly recorded: number | null;
    readonly passed: boolean;
    readonly samples: number;
    readonly redFlagsByRule: Readonly<Record<string, number>>;
    readonly failedByLayer: Readonly<Record<string, number>>;
  };
  readonly composed: {
    /** Whether a composed class was verified through every layer and kept (else zerr's choice stands). */
    readonly kept: boolean;
    /** Methods taken from another sample than the base. */
    readonly changed: number;
    /** Scored through the proxy; null where the proxy does not agree with the labels on this task. */
    readonly passed: boolean | null;
    /** The recorded sample it equals, if any (then scored by that label). */
    readonly equalsRecorded: number | null;
  } | null;
  /** Per recorded sample, whether the proxy's score equals its label. */
  readonly proxyAgrees: readonly boolean[];
}

/** Reads `<Model>.labels.jsonl`. */
async function readLabels(dir: string, model: ClassEvalModel): Promise<Map<string, Labels>> {
  const text = await readFile(join(dir, `${model}.labels.jsonl`), 'utf8');
  return new Map(text.trim().split('\n').map((line) => JSON.parse(line) as Labels).map((labels) => [labels.task_id, labels]));
}

/**
 * Runs the selection for `model` on `problems` (imported ClassEval specs; tasks the labels mark unusable are left out).
 * @param options.imports per task id, the record's import statements (the authors' harness adds them to a sample).
 */
export async function runClassEvalSelection(options: {
  readonly dataDir: string;
  readonly model: ClassEvalModel;
  readonly problems: readonly BenchmarkProblem[];
  readonly imports: ReadonlyMap<string, readonly string[]>;
  /** Per task id, how many unittest classes its hidden suite has (each gets {@link MS_PER_TEST_CLASS}). */
  readonly testClasses: ReadonlyMap<string, number>;
  readonly sandbox: Sandbox;
  readonly verifier: Verifier;
  readonly parallel: number;
  readonly log: (line: string) => void;
}): Promise<TaskSelection[]> {
  const dir = join(options.dataDir, 'recorded', 'classeval-c5');
  const labels = await readLabels(dir, options.model);
  const recorded = new Map((await loadClassEvalSamples(dir, options.model)).map((task) => [task.taskId, task.completions]));
  const problems = options.problems.filter((problem) => labels.get(problem.spec.id)?.usable === true && recorded.has(problem.spec.id));
  const replay = await ReplayLanguageModel.fromClassEval({ dir, model: options.model, seed: REPLAY_SEED });
  const model = new TrackingModel(replay, recorded, REPLAY_SEED);
  const store = new MemoryRunStore();
  const engine = createEngine({ model, modelName: `replay:classeval?model=${options.model}`, store, sandbox: options.sandbox, verifier: options.verifier });
  const runner = new SandboxCandidateRunner({ sandbox: options.sandbox });
  let done = 0;
  try {
    const limit = pLimit(options.parallel);
    return await Promise.all(problems.map((problem) => limit(async () => {
      const { spec } = problem;
      const taskLabels = labels.get(spec.id)?.passed_class ?? [];
      const texts = recorded.get(spec.id) ?? [];
      // The authors' harness adds the task's import statements to a sample; so does the engine's assembly (the stub's).
      const withImports = (code: string): string => {
        const missing = (options.imports.get(spec.id) ?? []).filter((line) => !code.includes(line.trim()));
        return missing.length === 0 ? code : `${missing.join('\n')}\n${code}`;
      };
      const codes = texts.map((text) => assembleCandidate(spec, 'chat', text).code);
      const sequences = signatureSequences({ spec, count: GENERATED_SEQUENCES, seed: 42 });

      // Plain majority over the samples as they are, and each sample's visible sequences passed.
      const behaviours = await Promise.all(codes.map(async (code) => (code === null
        ? { classKey: 'no-code', visiblePassed: -1 }
        : classBehaviour({ runner, spec, code, sequences }))));
      const groups = new Map<string, number[]>();
      behaviours.forEach((behaviour, index) => groups.set(behaviour.classKey, [...(groups.get(behaviour.classKey) ?? []), index]));
      const largest = [...groups.values()].sort((a, b) => b.length - a.length || (a[0] ?? 0) - (b[0] ?? 0))[0] ?? [0];
      const majorityPick = largest[0] ?? 0;

      // zerr: the engine on the replayed samples.
      const { results } = await engine.run([spec], { k: SELECTION_K, maxSamples: texts.length, kind: 'bench-classeval' });
      const result = results[0];
      if (result === undefined) throw new Error(`no result for ${spec.id}`);
      const representative = result.classes.find((tally) => tally.classKey === result.classKey)?.representative;
      const zerrRecorded = representative === undefined || result.code === null ? null : (model.served.get(spec.id)?.get(representative) ?? null);

      // Proxy scores of every recorded sample (to know where the proxy can score new code).
      const proxyScore = async (code: string | null): Promise<boolean> => code !== null && (await scoreOnHiddenTests({
        sandbox: options.sandbox, problem, code: withImports(code), timeoutMs: MS_PER_TEST_CLASS * Math.max(1, options.testClasses.get(spec.id) ?? 1),
      })).passed;
      const proxyAgrees = await Promise.all(codes.map(async (code, index) => (await proxyScore(code)) === (taskLabels[index] ?? false)));

      // Composed method by method, on zerr's choice or the sample passing most visible sequences.
      const layouts = await splitClasses({ runner, language: spec.language, className: spec.signature.entryPoint, sources: codes.map((code) => code ?? '') });
      const split: { sample: SplitSample; recorded: number }[] = layouts.flatMap((layout, index) => (layout === null || codes[index] === null ? [] : [{ sample: { code: codes[index] as string, layout }, recorded: index }]));
      const byVisible = [...split].sort((a, b) => (behaviours[b.recorded]?.visiblePassed ?? -1) - (behaviours[a.recorded]?.visiblePassed ?? -1) || a.recorded - b.recorded);
      const baseEntry = split.find((entry) => entry.recorded === zerrRecorded) ?? byVisible[0];
      let composed: TaskSelection['composed'];
      if (baseEntry !== undefined) {
        const built = await composeByMethodVote({ spec, runner, samples: split.map((entry) => entry.sample), baseIndex: split.indexOf(baseEntry), sequences });
        const report = await options.verifier.verify({ spec, candidate: { language: spec.language, code: built.code } }, { runAll: false });
        const kept = report.failedLayer === null;
        const code = kept ? built.code : (zerrRecorded === null ? null : codes[zerrRecorded] ?? null);
        const equalsRecorded = code === null ? null : codes.findIndex((each) => each === code);
        const agreed = proxyAgrees.every(Boolean);
        const passed = code === null ? false : equalsRecorded !== null && equalsRecorded >= 0 ? (taskLabels[equalsRecorded] ?? false) : agreed ? await proxyScore(code) : null;
        composed = { kept, changed: built.changed, passed, equalsRecorded: equalsRecorded !== null && equalsRecorded >= 0 ? equalsRecorded : null };
      } else {
        composed = { kept: false, changed: 0, passed: zerrRecorded === null ? false : (taskLabels[zerrRecorded] ?? false), equalsRecorded: zerrRecorded };
      }
      done += 1;
      options.log(`[${options.model} ${done}/${problems.length}] ${spec.id}: zerr ${result.outcome} ${zerrRecorded === null ? '-' : taskLabels[zerrRecorded] ? 'pass' : 'fail'}, composed ${composed.passed === null ? 'unscored' : composed.passed ? 'pass' : 'fail'}${composed.kept ? ` (${composed.changed} methods changed)` : ''}`);
      return {
        taskId: spec.id,
        labels: taskLabels,
        majority: { recorded: majorityPick, passed: taskLabels[majorityPick] ?? false, classes: groups.size },
        zerr: {
          outcome: result.outcome, recorded: zerrRecorded, passed: zerrRecorded !== null && (taskLabels[zerrRecorded] ?? false), samples: result.samples,
          redFlagsByRule: result.redFlagsByRule, failedByLayer: result.failedByLayer,
        },
        composed,
        proxyAgrees,
      };
    })));
  } finally {
    await model.close();
    await store.close();
  }
}
