/**
 * @module cli/chat/engine-chat-backend
 * The {@link ChatBackend} over the engine, as `zerr solve` uses it: one engine for the whole chat (the coder's model,
 * the specifier's route when `zerr.config.yaml` has one), `Engine.specify` for words, `Engine.run` for a confirmed
 * spec with the CLI's progress display, the chosen code and `report.json` under `<out>/<run-id>/` as `zerr solve
 * --out` writes them, `zerr build` for `/build`, git for `/undo`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskSpec } from '../../index.js';
import { openEngine } from '../cli-context.js';
import { loadEngineApi } from '../engine-api.js';
import { modelCallOptionsOf, type ModelCallFlags } from '../model-call-options.js';
import { ProgressDisplay } from '../progress-display.js';
import type { BuildOutcome, ChatBackend, ProposedSpec, SolveOutcome, SpecifyOutcome } from './chat-backend.js';
import type { ChatBuildRequest } from './chat-build.js';
import { engineImplementHandler, type ImplementHandler } from './chat-implement.js';
import { undoLastZerrCommit } from './git-undo.js';
import { specToYaml } from '../spec-yaml.js';
import { writeSolveOutputs } from '../solve-outputs.js';

/** Options of {@link openEngineChatBackend}. */
export interface EngineChatBackendOptions extends ModelCallFlags {
  /** The coder's model URI (`--model`, `ZERR_MODEL` or the configuration's `coder` route). */
  readonly model: string;
  /** First-to-ahead-by-k margin of solves and specifications. */
  readonly k: number;
  /** Sample budget of one solve. */
  readonly maxSamples: number;
  /** Sample budget of one specification. */
  readonly specSamples: number;
  readonly seed: number;
  /** Output folder: `<out>/<run-id>/` per specification and solve, `<out>/build-<time>/` per build. */
  readonly out: string;
  /** The language of specs made from words. */
  readonly language: 'typescript' | 'python';
  readonly store?: string;
  readonly unsafeNoSandbox?: boolean;
  /** The folder whose git repository `/undo` works in. */
  readonly cwd: string;
  /** Where the live progress goes (a terminal shows a spinner). */
  readonly progressStream: NodeJS.WriteStream;
  /** Runs `/build` (`chat-build.ts`'s `runBuildCommand`). */
  readonly build: (request: ChatBuildRequest) => Promise<BuildOutcome>;
  /** Runs `/implement`. Default `zerr implement` on the chat's engine (`engineImplementHandler`). */
  readonly implement?: ImplementHandler;
}

/**
 * Opens the engine for a chat.
 * @throws as `openEngine`: InvalidArgumentError for a bad model URI, SandboxUnavailableError without bubblewrap,
 *   StoreOpenError/StoreUnavailableError for the run store.
 */
export async function openEngineChatBackend(options: EngineChatBackendOptions): Promise<ChatBackend> {
  const { engine } = await openEngine({
    model: options.model, command: 'zerr chat', unsafeNoSandbox: options.unsafeNoSandbox === true,
    ...(options.store === undefined ? {} : { store: options.store }),
    ...modelCallOptionsOf(options),
    archetypes: ['specifier'],
  });
  const api = await loadEngineApi();
  const defaultLimits = api.LimitsSchema.parse({});
  const yamlOf = (spec: TaskSpec): { yaml: string; bareYaml: string } => ({
    yaml: specToYaml(spec, { defaultLimits }),
    bareYaml: specToYaml(spec, { defaultLimits, withoutMetadata: true }),
  });
  let closed: Promise<void> | undefined;

  return {
    model: options.model,
    k: options.k,
    maxSamples: options.maxSamples,
    implement: options.implement ?? engineImplementHandler(engine, { cwd: options.cwd, seed: options.seed, progressStream: options.progressStream }),

    async specify(request): Promise<SpecifyOutcome> {
      let result;
      const progress = await ProgressDisplay.create({ stream: options.progressStream });
      const unsubscribe = engine.on(progress.onEvent);
      try {
        result = await engine.specify(request.requirements, {
          language: options.language, k: options.k, maxSamples: options.specSamples, seed: options.seed, signal: request.signal,
        });
      } catch (error) {
        if (request.signal.aborted) return { status: 'interrupted' };
        throw error;
      } finally {
        progress.stop();
        unsubscribe();
      }
      if (result.spec === null) return { status: 'no-spec', specification: result };
      const spec: TaskSpec = request.description === undefined ? result.spec : { ...result.spec, description: request.description };
      const dir = join(options.out, result.runId);
      await mkdir(dir, { recursive: true });
      const file = join(dir, 'spec.yaml');
      const text = yamlOf(spec);
      await writeFile(file, text.yaml);
      return { status: 'proposed', proposal: { spec, ...text, file, origin: 'specifier', specification: result } };
    },

    async loadSpec(path, origin): Promise<ProposedSpec> {
      const spec = await api.loadTaskSpec(path);
      return { spec, ...yamlOf(spec), file: path, origin };
    },

    async solve(spec, { signal }): Promise<SolveOutcome> {
      const progress = await ProgressDisplay.create({ stream: options.progressStream });
      const unsubscribe = engine.on(progress.onEvent);
      try {
        const { runId, results } = await engine.run([spec], {
          k: options.k, maxSamples: options.maxSamples, seed: options.seed, fallback: 'best-partial', signal,
        });
        progress.stop();
        const result = results[0];
        if (result === undefined) throw new Error(`run ${runId} returned no result for ${spec.id}`);
        const files = await writeSolveOutputs(options.out, runId, spec, result);
        return { status: 'decided', runId, model: options.model, result, files };
      } catch (error) {
        if (error instanceof api.RunPausedError) return { status: 'paused', runId: error.runId, reason: error.reason };
        throw error;
      } finally {
        progress.stop();
        unsubscribe();
      }
    },

    build(requirements, { signal }) {
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
      return options.build({
        requirements, outDir: join(options.out, `build-${stamp}`), model: options.model, k: options.k, maxSamples: options.maxSamples,
        language: options.language, signal,
        ...(options.store === undefined ? {} : { store: options.store }),
        ...(options.unsafeNoSandbox === true ? { unsafeNoSandbox: true } : {}),
      });
    },

    undo({ signal }) {
      return undoLastZerrCommit({ cwd: options.cwd, signal });
    },

    close() {
      closed ??= engine.close();
      return closed;
    },
  };
}

