/**
 * @module cli/chat/chat-backend
 * What `zerr chat` asks of the engine, as one narrow contract: propose a spec for words (the specifier's vote),
 * load a spec file, solve a spec, build from requirements, revert zerr's last commit, implement a symbol. The
 * conversation (`chat-session.ts`) speaks only to this; `engine-chat-backend.ts` implements it over the engine, and
 * tests script it.
 */
import type { SolveTaskResult, SpecifyResult, TaskSpec } from '../../index.js';
import type { ImplementHandler } from './chat-implement.js';
import type { UndoOutcome } from './git-undo.js';

/** A spec put to the user for confirmation. */
export interface ProposedSpec {
  readonly spec: TaskSpec;
  /** The spec as YAML, as shown and written (`spec-yaml.ts`). */
  readonly yaml: string;
  /** The spec as YAML without its metadata: what a follow-up sends to the specifier. */
  readonly bareYaml: string;
  /** Where the YAML is on disk (written by the chat, or the user's file); null when nowhere. */
  readonly file: string | null;
  /** Where it came from: the specifier, a spec file the user named, or the user's edit. */
  readonly origin: 'specifier' | 'file' | 'edited';
  /** The specification that chose it (origin `specifier`). */
  readonly specification?: SpecifyResult;
}

/** What a request to the specifier came to. */
export type SpecifyOutcome =
  | { readonly status: 'proposed'; readonly proposal: ProposedSpec }
  /** No contract passed red-flagging: nothing to propose. */
  | { readonly status: 'no-spec'; readonly specification: SpecifyResult }
  /** Stopped by Ctrl-C (a specification is not resumable; it is asked again). */
  | { readonly status: 'interrupted' };

/** What a solve came to. */
export type SolveOutcome =
  | {
      readonly status: 'decided';
      readonly runId: string;
      readonly model: string;
      readonly result: SolveTaskResult;
      /** Where the code (null without code) and the JSON report were written. */
      readonly files: { readonly code: string | null; readonly report: string };
    }
  /** Stopped by Ctrl-C or a budget: the run is recorded `paused`, resumable with `zerr resume <runId>`. */
  | { readonly status: 'paused'; readonly runId: string; readonly reason: string };

/** What `/build` came to. The build prints its own progress and report. */
export interface BuildOutcome {
  readonly status: 'completed' | 'paused' | 'failed';
  /** The build's output folder (a git repository). */
  readonly outDir: string;
  /** The exit code `zerr build` would have given (`cli/exit-codes.ts`). */
  readonly exitCode: number;
}

/** A request for a spec from words. */
export interface SpecifyRequest {
  /** What the specifier is asked: the user's words, or a refinement request (`refine-request.ts`). */
  readonly requirements: string;
  /** The spec's description when it should not be `requirements` (a refinement). */
  readonly description?: string;
  readonly signal: AbortSignal;
}

/** The engine as the chat uses it. */
export interface ChatBackend {
  /** The coder's model URI, for the banner and history. */
  readonly model: string;
  /** Asks the specifier for a spec (first-to-ahead-by-k over contracts) and writes the chosen one as YAML. */
  specify(request: SpecifyRequest): Promise<SpecifyOutcome>;
  /**
   * Loads a spec file (YAML/JSON), checked as `zerr spec check` does.
   * @throws SpecNotFoundError (`spec_not_found`), SpecValidationError (`invalid_spec`), InvalidArgumentError.
   */
  loadSpec(path: string, origin: 'file' | 'edited'): Promise<ProposedSpec>;
  /**
   * Solves one spec (`engine.run`) with live progress, writes the code and report to the output folder.
   * @throws as `Engine.run`, except RunPausedError, which is the outcome `paused`.
   */
  solve(spec: TaskSpec, options: { readonly signal: AbortSignal }): Promise<SolveOutcome>;
  /** Builds a project from requirements as `zerr build` does, into a new folder under the output folder. */
  build(requirements: string, options: { readonly signal: AbortSignal }): Promise<BuildOutcome>;
  /** Reverts zerr's last commit in the project's repository (`git-undo.ts`). */
  undo(options: { readonly signal: AbortSignal }): Promise<UndoOutcome>;
  /** `/implement` (`chat-implement.ts`: `zerr implement` on the chat's engine). */
  readonly implement: ImplementHandler;
  /** The k and sample budget solves use, for `/implement`. */
  readonly k: number;
  readonly maxSamples: number;
  /** Closes the engine. Idempotent. */
  close(): Promise<void>;
}
