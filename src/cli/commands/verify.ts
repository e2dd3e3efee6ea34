/**
 * @module cli/commands/verify
 * `zerr verify <spec> <candidate-file> [--json] [--all-layers]`: runs the verification layers (syntax, types,
 * security, static analysis, unit tests, contracts, property tests, performance) on a candidate file against a task
 * spec, in the sandbox, without a model. `<spec>` is a spec file (YAML/JSON) or a dataset problem as `solve` takes
 * it (`humaneval-ts:HumanEval_0_has_close_elements`); the candidate file holds code in the spec's language.
 *
 * Human output: one line per layer (status, layer, duration in ms, reason), streamed as each layer ends, then one
 * verdict line. `--json` prints the VerificationReport (`{ passed, results, failedLayer }`) and nothing else on
 * stdout. Exit 0 verified, 2 rejected (the verdict line names the failing layer and its reason), 3 bad input (one
 * line on stderr naming the file and what was expected), 5 no sandbox (`--unsafe-no-sandbox` as elsewhere).
 * Loads the engine's verification only: no model, no store.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import type { LayerResult, TaskSpec, VerificationReport } from '../../index.js';
import { openSandbox } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';

interface VerifyOptions {
  json?: boolean;
  allLayers?: boolean;
  dataDir?: string;
  pythonTypes: boolean;
  daemon: boolean;
  unsafeNoSandbox?: boolean;
}

/** A candidate file larger than this is refused as bad input (generated functions are a few KiB). */
const MAX_CANDIDATE_BYTES = 1024 * 1024;

/** File extensions of each language's source; an extension of the other language is a mismatch. */
const EXTENSIONS: Readonly<Record<TaskSpec['language'], readonly string[]>> = {
  typescript: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'],
  python: ['.py', '.pyw', '.pyi'],
};

/** Error codes of a spec reference that cannot be loaded: bad input (exit 3). */
const SPEC_INPUT_CODES: ReadonlySet<string> = new Set([
  'spec_not_found', 'invalid_spec', 'unknown_dataset', 'unknown_problem', 'dataset_not_found', 'dataset_unavailable',
  'invalid_dataset_record', 'invalid_argument',
]);

/** What was loaded, or the one-line problem to report. */
type Loaded<T> = { readonly value: T } | { readonly problem: string };

/** Registers `verify` on `program`. */
export function registerVerifyCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('verify')
    .description('Verify a candidate file against a task spec (YAML/JSON file or dataset problem) through the verification layers, in the sandbox; no model needed')
    .argument('<spec>', 'spec file (.yaml/.yml/.json) or <dataset>:<problem-id>, e.g. humaneval-ts:HumanEval_0_has_close_elements')
    .argument('<candidate-file>', "file holding the candidate code in the spec's language (the complete function)")
    .option('--json', 'print the VerificationReport as JSON on stdout')
    .option('--all-layers', 'run every layer even after one fails (default: stop at the first failure)')
    .option('--data-dir <dir>', 'folder holding bench/ (dataset problems; default ../shared, env ZERR_DATA_DIR)')
    .option('--no-python-types', 'skip pyright type checking of Python candidates (1.5-4.5 s each)')
    .option('--no-daemon', 'type check and lint in a worker of this process, not in the analysis daemon (also ZERR_DAEMON=off)')
    .option('--unsafe-no-sandbox', 'run the candidate WITHOUT isolation when bubblewrap is unavailable (dangerous)')
    .action(async (specRef: string, candidatePath: string, options: VerifyOptions) => {
      const badInput = (problem: string): void => {
        process.stderr.write(`zerr verify: ${problem}\n`);
        setExit(ExitCode.badInput);
      };
      // A TypeScript candidate needs the analysis worker (TypeScript, its lib, ESLint: about 1 s of CPU from cold,
      // the longest part of a verify): the analysis daemon keeps one warm between commands (decision 016; started
      // here when none runs), or, with --no-daemon, one starts in this process now, to warm up on the other core
      // while this thread loads the spec and the layers. Judged by the file's extension; a mismatch is refused below.
      const extension = extname(candidatePath).toLowerCase();
      const language = EXTENSIONS.typescript.includes(extension) ? 'typescript' : EXTENSIONS.python.includes(extension) ? 'python' : undefined;
      const verifyModules = import('../../verify/index.js');
      verifyModules.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      // The sandbox is opened at once too: its probe and a harness process for the candidate start (child processes,
      // on the other core) while this thread loads the verification and preflight modules - those alone, not the
      // engine (model SDKs, store). A handful of runs: one spare each is enough.
      const opening = openSandbox(options.unsafeNoSandbox, { prestart: 1, awaitProbe: false });
      opening.catch(() => undefined); // handled below, once the modules are in; not an unhandled rejection meanwhile
      const harness = Promise.all([opening, import('../../sandbox/index.js')]).then(([sandbox, { SandboxCandidateRunner }]) => {
        const runner = new SandboxCandidateRunner({ sandbox });
        if (language !== undefined) runner.prestart(language);
        return runner;
      });
      harness.catch(() => undefined); // as `opening`
      let analysis: InstanceType<Awaited<typeof verifyModules>['SharedTypeScriptAnalysis']> | undefined;
      const release = async (): Promise<void> => {
        await Promise.all([
          analysis === undefined ? undefined : Promise.all([analysis.typeChecker.close(), analysis.linter.close()]),
          opening.then((sandbox) => sandbox.close(), () => undefined),
        ]);
      };
      const failing = async (error: unknown): Promise<never> => {
        await release();
        throw error;
      };
      if (language === 'typescript') {
        const { SharedTypeScriptAnalysis, DaemonAnalysisChannel } = await verifyModules.catch(failing);
        const daemon = options.daemon && process.env['ZERR_DAEMON'] !== 'off';
        analysis = new SharedTypeScriptAnalysis(daemon ? { channel: new DaemonAnalysisChannel({ onFallback: logDaemonFallback }) } : {});
        analysis.prestart();
      }
      const spec = await loadSpec(specRef, options.dataDir).catch(failing);
      if ('problem' in spec) { await release(); badInput(spec.problem); return; }
      const code = await readCandidate(candidatePath, spec.value);
      if ('problem' in code) { await release(); badInput(code.problem); return; }

      const [{ createDefaultVerifier, SharedTypeScriptAnalysis }, { checkSpecPreconditions, SandboxJudge }] = await Promise.all([
        verifyModules,
        import('../../preflight/index.js'),
      ]).catch(failing);
      // One analysis worker for type checks and lints (TypeScript and its lib loaded once: a one-shot command on a
      // small machine is bound by CPU); started above for a TypeScript file, idle (never started) otherwise.
      analysis ??= new SharedTypeScriptAnalysis();
      const { typeChecker, linter } = analysis;
      const [sandbox, runner] = await Promise.all([opening, harness]).catch(failing);
      // The spec's preconditions and invariants run in the judge first: a spec error is the spec's, not the candidate's.
      const judge = new SandboxJudge({ sandbox });
      const { conditionsNeedJudge } = await import('../../task-spec/index.js'); // loaded with the spec
      if (conditionsNeedJudge(spec.value)) judge.prestart(spec.value.language); // starting while inputs are generated
      const specIssues = await checkSpecPreconditions(spec.value, { judge, source: specRef }).catch(failing);
      if (specIssues.length > 0) {
        await release();
        badInput(`invalid task spec (${specIssues.length} issue${specIssues.length === 1 ? '' : 's'}): ${specIssues.map((issue) => issue.message).join('; ')}`);
        return;
      }
      // The probe has had the whole start-up to answer: a sandbox that does not work is refused before any layer
      // prints a line (exit 5), as when it was probed first.
      await (sandbox.ready?.() ?? Promise.resolve()).catch(failing);
      const verifier = createDefaultVerifier({ sandbox, runner, pythonTypes: options.pythonTypes, typeChecker, linter });
      try {
        const human = options.json !== true;
        const report = await verifier.verify(
          { spec: spec.value, candidate: { language: spec.value.language, code: code.value } },
          {
            runAll: options.allLayers === true,
            ...(human ? { onLayerEnd: (result: LayerResult) => { process.stdout.write(`${layerLine(result)}\n`); } } : {}),
          },
        );
        if (human) {
          const ran = new Set(report.results.map((result) => result.layer));
          for (const layer of verifier.layers.filter((each) => !ran.has(each.name))) {
            process.stdout.write(`${'-'.padEnd(5)} ${layer.name.padEnd(16)} ${'-'.padStart(6)}     not run (stopped at the first failure; --all-layers runs every layer)\n`);
          }
          process.stdout.write(`${verdictLine(spec.value, report)}\n`);
        } else {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        }
        setExit(report.passed ? ExitCode.ok : ExitCode.rejected);
      } finally {
        await verifier.close();
        await Promise.all([typeChecker.close(), linter.close()]);
        await sandbox.close();
      }
    });
}

/**
 * With `--log-level` warn or lower (or ZERR_LOG_LEVEL): one JSON log line on stderr when the analysis daemon is given
 * up for a worker in this process (it cannot be reached, started or kept), so that a slower verify says why.
 */
function logDaemonFallback(reason: string): void {
  const level = process.env['ZERR_LOG_LEVEL'];
  if (level === undefined || !['trace', 'debug', 'info', 'warn'].includes(level)) return;
  void import('../../telemetry/index.js').then(({ createLogger }) => {
    createLogger({ destination: process.stderr, level }).warn({ reason }, 'analysis daemon not used: type checks and lints run in this process');
  }, () => undefined);
}

/** A spec file or a dataset problem's spec; a reference that cannot be loaded is a one-line problem. */
async function loadSpec(ref: string, dataDir: string | undefined): Promise<Loaded<TaskSpec>> {
  const { loadTaskSpec, resolveDatasetProblem } = await import('../../task-spec/index.js');
  try {
    if (/\.(ya?ml|json)$/i.test(ref)) return { value: await loadTaskSpec(ref) };
    if (!ref.includes(':')) {
      return { problem: `${ref}: expected a task spec file (.yaml, .yml or .json) or a dataset problem <dataset>:<problem-id>, e.g. humaneval-ts:HumanEval_0_has_close_elements` };
    }
    return { value: (await resolveDatasetProblem(ref, dataDir === undefined ? {} : { dataDir })).spec };
  } catch (error) {
    const code = (error as { code?: unknown } | undefined)?.code;
    if (typeof code !== 'string' || !SPEC_INPUT_CODES.has(code)) throw error;
    const issues = (error as { issues?: readonly { message: string }[] }).issues;
    if (code === 'invalid_spec' && issues !== undefined && issues.length > 0) {
      return { problem: `invalid task spec (${issues.length} issue${issues.length === 1 ? '' : 's'}): ${issues.map((issue) => issue.message).join('; ')}` };
    }
    const message = oneLine(error instanceof Error ? error.message : String(error));
    return { problem: code === 'spec_not_found' ? `${message}; expected a task spec file: YAML or JSON` : message };
  }
}

/** The candidate's text; a missing, unreadable, empty, binary, oversized or wrong-language file is a one-line problem. */
async function readCandidate(path: string, spec: TaskSpec): Promise<Loaded<string>> {
  const expected = `expected a file holding the ${spec.language} code of ${spec.signature.entryPoint} (spec ${spec.id})`;
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { problem: `candidate file ${path} is a directory; ${expected}` };
    if (info.size > MAX_CANDIDATE_BYTES) {
      return { problem: `candidate file ${path} is ${info.size} bytes, over the ${MAX_CANDIDATE_BYTES}-byte limit; ${expected}` };
    }
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' || code === 'EPERM' ? 'not readable (permission denied)' : `not readable (${code ?? String(error)})`;
    return { problem: `candidate file ${path}: ${why}; ${expected}` };
  }
  const extension = extname(path).toLowerCase();
  const other = spec.language === 'python' ? 'typescript' : 'python';
  if (EXTENSIONS[other].includes(extension)) {
    return { problem: `candidate file ${path} is ${other} (${extension}) but spec ${spec.id} is ${spec.language}; ${expected}` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: `candidate file ${path} is not UTF-8 text; ${expected}` };
  }
  if (text.includes('\u0000')) return { problem: `candidate file ${path} is binary (holds NUL bytes); ${expected}` };
  if (text.trim() === '') return { problem: `candidate file ${path} is empty; ${expected}` };
  return { value: text };
}

/** `pass  unit-tests           45 ms  3 tests passed`. */
function layerLine(result: LayerResult): string {
  const status = result.status === 'fail' ? 'FAIL' : result.status === 'skipped' ? 'skip' : 'pass';
  return `${status.padEnd(5)} ${result.layer.padEnd(16)} ${String(Math.round(result.durationMs)).padStart(6)} ms  ${oneLine(result.reason)}`;
}

/** `verified: clamp passed every layer that applies (5 passed, 3 skipped)` or `rejected at unit-tests: <reason>`. */
function verdictLine(spec: TaskSpec, report: VerificationReport): string {
  const count = (status: LayerResult['status']): number => report.results.filter((result) => result.status === status).length;
  if (report.passed) return `verified: ${spec.id} passed every layer that applies (${count('pass')} passed, ${count('skipped')} skipped)`;
  const first = report.results.find((result) => result.status === 'fail');
  const failing = count('fail');
  const more = failing > 1 ? ` (first of ${failing} failing layers)` : '';
  return `rejected at ${report.failedLayer ?? 'unknown layer'}${more}: ${oneLine(first?.reason ?? '')}`;
}

/** Collapses whitespace runs with newlines to one space, so a reason stays on its line. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
