/**
 * @module orchestrate/implement/implement-layers
 * The two verification layers `zerr implement` adds after the engine's own, both on the candidate spliced into the
 * repository's file:
 *
 * - `project-types`: the whole project type-checked as the repository configures it (TypeScript: its
 *   `tsconfig.json` and all its files, in a bounded analysis worker; Python: pyright with its `[tool.pyright]` or
 *   `pyrightconfig.json`). A candidate fails when it brings an error the project did not have with the file as it
 *   was (errors the repository already has are not the candidate's).
 * - `repo-tests`: the repository's own tests of the function, run in the sandbox (`repo-tests.ts`). A candidate fails
 *   when one fails, a file stops loading, or fewer tests report than ran with the file as it was. These tests run
 *   beside the candidate, so this layer can only reject (decision 027).
 */
import { posix } from 'node:path';
import type { Sandbox } from '../../sandbox/sandbox.js';
import { ownCode } from '../prompting/assemble-candidate.js';
import type { LayerName, LayerResult, VerificationContext, VerificationLayer } from '../../verify/verification-layer.js';
import { BoundedWorker, siblingModule } from '../../verify/typescript/bounded-worker.js';
import { analysisFailureDetails, isCandidateAnalysisFailure } from '../../verify/typescript/analysis-limit-error.js';
import { runPyrightProject } from '../../verify/static/run-pyright.js';
import { runRepoTests, type RepositoryFiles, type RepoTestRun } from './repo-tests.js';
import { spliceCandidate } from './splice.js';
import type { SourceSymbol } from './source-symbol.js';
import type { RepositoryTypeCheckRequest, RepositoryTypeCheckResult } from './typescript-repo-types.js';

/** What both layers know of the repository. */
export interface ImplementTarget {
  /** Absolute path of the repository root. */
  readonly root: string;
  /** The edited file, root-relative with `/` separators. */
  readonly path: string;
  /** The file's text when the run started. */
  readonly source: string;
  readonly symbol: SourceSymbol;
  /** The project's files the checks read (root-relative -> text), the edited file as it was included. */
  readonly files: RepositoryFiles;
  /** The repository's tests of the function (root-relative); may be empty. */
  readonly testFiles: readonly string[];
}

/** One error or diagnostic reduced to what identifies it across edits (the edited file's lines move). */
interface Finding {
  readonly key: string;
  readonly text: string;
}

/** One project check: its findings and the tool that made them, or why it could not run. */
type ProjectCheck = { readonly findings: readonly Finding[]; readonly tool: string } | { readonly skipped: string };

/** Multiset difference: the findings of `now` that `before` does not hold as many times. */
function newFindings(before: readonly Finding[], now: readonly Finding[]): Finding[] {
  const counts = new Map<string, number>();
  for (const f of before) counts.set(f.key, (counts.get(f.key) ?? 0) + 1);
  return now.filter((f) => {
    const left = counts.get(f.key) ?? 0;
    if (left > 0) counts.set(f.key, left - 1);
    return left === 0;
  });
}

/** The layer's result, timed. */
function result(layer: LayerName, started: number, status: LayerResult['status'], reason: string, details?: unknown): LayerResult {
  return { layer, status, reason, durationMs: performance.now() - started, ...(details === undefined ? {} : { details }) };
}

/** `project-types` (see the module comment). */
export class ProjectTypesLayer implements VerificationLayer {
  readonly name = 'project-types' as const;
  readonly #target: ImplementTarget;
  readonly #worker: BoundedWorker<RepositoryTypeCheckRequest, RepositoryTypeCheckResult>;
  #baseline: Promise<ProjectCheck> | undefined;

  constructor(target: ImplementTarget) {
    this.#target = target;
    this.#worker = new BoundedWorker({ entry: siblingModule(import.meta.url, 'typescript-repo-check-worker'), what: 'project type check', memoryLimitMb: 1536, startTimeoutMs: 60_000 });
  }

  appliesTo(): boolean {
    return true;
  }

  async verify(context: VerificationContext): Promise<LayerResult> {
    const started = performance.now();
    const baseline = await (this.#baseline ??= this.#check(this.#target.source, context.signal));
    if ('skipped' in baseline) return result(this.name, started, 'skipped', baseline.skipped);
    const text = spliceCandidate(this.#target.source, this.#target.symbol, ownCode(context.spec, context.candidate.code));
    let now: ProjectCheck;
    try {
      now = await this.#check(text, context.signal);
    } catch (error) {
      // A check this candidate's text drove past its time or memory limit is the candidate's failure, not the run's.
      if (!isCandidateAnalysisFailure(error)) throw error;
      return result(this.name, started, 'fail', error.message, analysisFailureDetails(error));
    }
    if ('skipped' in now) return result(this.name, started, 'fail', `the project could not be checked with this candidate: ${now.skipped}`);
    const added = newFindings(baseline.findings, now.findings);
    if (added.length === 0) return result(this.name, started, 'pass', `${baseline.tool}: the project type-checks as before`);
    return result(this.name, started, 'fail', `${baseline.tool}: ${added.length} new error${added.length === 1 ? '' : 's'} in the project: ${added.slice(0, 3).map((f) => f.text).join('; ')}`, { errors: added.map((f) => f.text) });
  }

  async close(): Promise<void> {
    await this.#worker.close();
  }

  async #check(text: string, signal: AbortSignal | undefined): Promise<ProjectCheck> {
    const target = this.#target;
    if (target.symbol.language === 'typescript') {
      const checked = await this.#worker.run(
        { root: target.root, file: posix.join(target.root, target.path), text, extraFiles: target.testFiles.map((t) => posix.join(target.root, t)) },
        { timeoutMs: 120_000, ...(signal === undefined ? {} : { signal }) },
      );
      const findings = checked.errors.map((e) => ({
        key: `${e.file}|${e.file === target.path ? '' : e.line}|${e.code}|${e.message}`,
        text: `${e.file === '' ? '' : `${e.file}:${e.line}: `}TS${e.code} ${e.message}`,
      }));
      return { findings, tool: `tsc (${checked.config ?? 'strict defaults: no tsconfig.json'})` };
    }
    const files = { ...pythonProjectFiles(target.files), [target.path]: text };
    const pyright = await runPyrightProject({ files, timeoutMs: 120_000, ...(signal === undefined ? {} : { signal }) });
    if (pyright.status === 'not-installed') return { skipped: 'pyright is not installed (npm install pyright)' };
    if (pyright.status === 'tool-error') return { skipped: pyright.message };
    const findings = pyright.diagnostics.map((d) => ({
      key: `${d.file}|${d.file === target.path ? '' : d.line}|${d.rule}|${d.message}`,
      text: `${d.file}:${d.line}: ${d.message}${d.rule === '' ? '' : ` (${d.rule})`}`,
    }));
    const config = 'pyrightconfig.json' in files ? 'pyrightconfig.json' : 'pyproject.toml' in files ? 'pyproject.toml' : 'its defaults';
    return { findings, tool: `pyright (${config})` };
  }
}

/** The Python files and the configuration pyright reads. */
function pythonProjectFiles(files: RepositoryFiles): Record<string, string> {
  return Object.fromEntries(Object.entries(files).filter(([path]) => path.endsWith('.py') || path.endsWith('.pyi') || path === 'pyproject.toml' || path === 'pyrightconfig.json'));
}

/** `repo-tests` (see the module comment). */
export class RepoTestsLayer implements VerificationLayer {
  readonly name = 'repo-tests' as const;
  readonly #target: ImplementTarget;
  readonly #sandbox: Sandbox;
  #baseline: Promise<{ counts: Map<string, number>; unusable: Map<string, string> }> | undefined;

  constructor(target: ImplementTarget, sandbox: Sandbox) {
    this.#target = target;
    this.#sandbox = sandbox;
  }

  appliesTo(): boolean {
    return this.#target.testFiles.length > 0;
  }

  async verify(context: VerificationContext): Promise<LayerResult> {
    const started = performance.now();
    const baseline = await (this.#baseline ??= this.#run(this.#target.source, this.#target.testFiles, context.signal).then((run) => {
      const counts = new Map<string, number>();
      const unusable = new Map<string, string>();
      for (const test of run.tests) {
        if (test.name === '(load)' || test.name === '(incomplete)') unusable.set(test.file, test.message ?? 'did not load');
        else counts.set(test.file, (counts.get(test.file) ?? 0) + 1);
      }
      return { counts, unusable };
    }));
    const usable = this.#target.testFiles.filter((file) => !baseline.unusable.has(file));
    const skippedNote = [...baseline.unusable].map(([file, why]) => `${file} does not run in zerr's sandbox even with the file as it was (${why.split('\n')[0] ?? ''})`).join('; ');
    if (usable.length === 0) return result(this.name, started, 'skipped', `no test file of the function runs here: ${skippedNote}`);
    const text = spliceCandidate(this.#target.source, this.#target.symbol, ownCode(context.spec, context.candidate.code));
    const run = await this.#run(text, usable, context.signal);
    const failed = run.tests.filter((t) => !t.passed);
    const ran = new Map<string, number>();
    for (const test of run.tests) ran.set(test.file, (ran.get(test.file) ?? 0) + 1);
    const short = usable.filter((file) => (ran.get(file) ?? 0) < (baseline.counts.get(file) ?? 0));
    const passed = run.tests.length - failed.length;
    const details = { files: usable, passed, failed: failed.length, failures: failed.slice(0, 5), ...(skippedNote === '' ? {} : { notRun: skippedNote }) };
    if (failed.length > 0) {
      const first = failed[0];
      return result(this.name, started, 'fail', `${failed.length} of the repository's tests failed: ${first?.file} > ${first?.name}: ${(first?.message ?? '').split('\n')[0]?.slice(0, 300) ?? ''}`, details);
    }
    if (short.length > 0 || !run.completed) {
      return result(this.name, started, 'fail', `fewer of the repository's tests reported than ran with the file as it was (${short.join(', ')})`, details);
    }
    return result(this.name, started, 'pass', `${passed} of the repository's tests passed (${usable.join(', ')}); they run beside the candidate, so they can reject it but do not decide for it${skippedNote === '' ? '' : `; ${skippedNote}`}`, details);
  }

  #run(text: string, testFiles: readonly string[], signal: AbortSignal | undefined): Promise<RepoTestRun> {
    const target = this.#target;
    const files = target.symbol.language === 'python'
      ? { ...Object.fromEntries(Object.entries(target.files).filter(([path]) => path.endsWith('.py') || path === 'pyproject.toml' || path === 'pytest.ini' || path === 'setup.cfg' || path === 'conftest.py')), [target.path]: text }
      : { ...Object.fromEntries(Object.entries(target.files).filter(([path]) => /\.[cm]?ts$/.test(path))), [target.path]: text };
    return runRepoTests({
      language: target.symbol.language, files, testFiles, sandbox: this.#sandbox, wallTimeMs: 60_000,
      ...(signal === undefined ? {} : { signal }),
    });
  }
}
