/**
 * @module verify/static/typescript-lint-engine
 * ESLint run in memory on a TypeScript candidate: one warm `Linter` (flat config), typescript-eslint's parser, and a
 * `ts.Program` from a warm {@link TypeScriptCompilerService} for type-aware rules. The candidate is only parsed and
 * analysed, never executed. Synchronous and unbounded: the engine runs it only inside the lint worker
 * (`typescript-lint-worker.ts`, driven by `TypeScriptLinter`), which bounds its time and memory.
 */
import { createRequire } from 'node:module';
import type { ESLint, Linter } from 'eslint';
import type tseslint from 'typescript-eslint';
import { CANDIDATE_FILE, TypeScriptCompilerService } from '../typescript/typescript-compiler-service.js';

/** ESLint, typescript-eslint and eslint-plugin-security (CommonJS, about 1-2 s to load), loaded by the first lint. */
interface LintModules {
  readonly Linter: typeof Linter;
  readonly tseslint: typeof tseslint;
  readonly securityPlugin: ESLint.Plugin;
}

let lintModules: LintModules | undefined;

/**
 * Loads the lint modules once, synchronously, on first use, so importing the engine (or a run with no TypeScript
 * candidate) does not pay for them. All three packages are CommonJS, so `require` loads them without making
 * {@link TypeScriptLintEngine.lint} async.
 */
function loadLintModules(): LintModules {
  if (lintModules === undefined) {
    const require = createRequire(import.meta.url);
    lintModules = {
      Linter: (require('eslint') as { Linter: typeof Linter }).Linter,
      tseslint: require('typescript-eslint') as typeof tseslint,
      // eslint-plugin-security 4 is CommonJS without type declarations.
      securityPlugin: require('eslint-plugin-security') as ESLint.Plugin,
    };
  }
  return lintModules;
}

/** Options of one lint. */
export interface LintOptions {
  /** ESLint rules with severities: `error` findings fail a layer, `warn` ones are reported. */
  readonly rules: Linter.RulesRecord;
  /** Build a `ts.Program` so rules that need type information can run. Default false. */
  readonly typeAware?: boolean;
}

/** One ESLint message. `ruleId` is null for a fatal parse error. Lines and columns are 1-based (0 when ESLint gives none). */
export interface LintMessage {
  readonly line: number;
  readonly column: number;
  readonly ruleId: string | null;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** Result of a lint. `codeLines`: lines holding at least one token that is not a comment. */
export interface LintResult {
  readonly messages: readonly LintMessage[];
  readonly codeLines: number;
  readonly durationMs: number;
}

/**
 * The warm in-thread linter. The first call loads ESLint and the rules and parses the lib (about 1-2 s); later calls
 * take about 20-60 ms with type-aware rules, a few ms without. Plugins available to rule sets: `@typescript-eslint`,
 * `security` (eslint-plugin-security).
 */
export class TypeScriptLintEngine {
  #linter: Linter | undefined;
  readonly #programs: Pick<TypeScriptCompilerService, 'program'>;

  /** @param options.programHost builds type-aware programs; default a new warm `TypeScriptCompilerService`. */
  constructor(options: { readonly programHost?: Pick<TypeScriptCompilerService, 'program'> } = {}) {
    this.#programs = options.programHost ?? new TypeScriptCompilerService();
  }

  /**
   * Lints `code` with `rules` (ESLint severities: `error` findings fail a layer, `warn` ones are reported).
   * `typeAware` (default false) builds a `ts.Program` so rules that need type information can run.
   */
  lint(code: string, options: LintOptions): LintResult {
    const started = performance.now();
    const { Linter, tseslint, securityPlugin } = loadLintModules();
    const linter = (this.#linter ??= new Linter({ configType: 'flat', cwd: '/zerr' }));
    const parserOptions = options.typeAware === true ? { programs: [this.#programs.program(code)] } : {};
    const config: Linter.Config = {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser as Linter.Parser, parserOptions, sourceType: 'module' },
      plugins: { '@typescript-eslint': tseslint.plugin as ESLint.Plugin, security: securityPlugin },
      linterOptions: { reportUnusedDisableDirectives: 'off', noInlineConfig: true },
      rules: options.rules,
    };
    const raw = linter.verify(code, [config], { filename: CANDIDATE_FILE });
    // A fatal error without a position (the parser ran out of stack) comes with `line` undefined, its type notwithstanding.
    const messages = raw.map((m) => ({
      line: Number.isInteger(m.line) ? m.line : 0,
      column: Number.isInteger(m.column) ? m.column : 0,
      ruleId: m.ruleId,
      message: m.message,
      severity: m.fatal === true || m.severity === 2 ? ('error' as const) : ('warning' as const),
    }));
    return { messages, codeLines: this.#codeLines(code), durationMs: performance.now() - started };
  }

  /** Lines covered by tokens (a multi-line template literal counts every line it spans); comments and blanks do not count. */
  #codeLines(code: string): number {
    const sourceCode = this.#linter?.getSourceCode() ?? null;
    if (sourceCode === null || sourceCode.text !== code) return countNonBlankLines(code);
    const lines = new Set<number>();
    for (const token of sourceCode.ast.tokens) {
      for (let line = token.loc.start.line; line <= token.loc.end.line; line++) lines.add(line);
    }
    return lines.size;
  }
}

/** Fallback for a file ESLint could not parse: non-blank lines. */
export function countNonBlankLines(code: string): number {
  return code.split('\n').filter((line) => line.trim() !== '').length;
}
