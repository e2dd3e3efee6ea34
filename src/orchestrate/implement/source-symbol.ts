/**
 * @module orchestrate/implement/source-symbol
 * A function found in a repository's source file: what `zerr implement` reads from it (signature, doc comment) and
 * where it sits (so the chosen code can take its place).
 */
import type { Language, Parameter } from '../../task-spec/task-spec.js';

/** One top-level function of a source file, as `locateTypeScriptSymbol` / `locatePythonSymbol` read it. */
export interface SourceSymbol {
  readonly language: Language;
  readonly name: string;
  /** Typed parameters in the language's own syntax (`xs: number[]`, `xs: list[int]`); no `self`. */
  readonly inputs: readonly Parameter[];
  /** The declared return type (`string`, `Promise<number>`, `list[str]`). */
  readonly outputType: string;
  /** The doc comment (JSDoc without its `*` margins, or the docstring, cleaned), one entry per line; empty if none. */
  readonly docLines: readonly string[];
  /**
   * UTF-16 offsets of the text the chosen code replaces: the declaration from its first keyword (`export`,
   * `async`, `function`; a Python decorator) to its end. A TypeScript doc comment before it is kept; a Python
   * docstring is inside it and is kept by the prompt, not by the splice.
   */
  readonly start: number;
  readonly end: number;
  /**
   * The declaration's head as a completion-style model continues it (`TaskSpec.stub`): the doc comment, the
   * signature and `{` (TypeScript), or the `typing` imports of the file, the `def` line and the docstring (Python).
   */
  readonly stub: string;
  /** Python: the docstring's source lines as written (indented); kept when a candidate's function has none. */
  readonly docstring?: string | undefined;
  /** True when the declaration is exported (`export function`); the chosen code is exported the same way. */
  readonly exported: boolean;
  /** True when the body holds nothing but a placeholder (empty, `pass`, `...`, a `throw`/`raise` of "not implemented"). */
  readonly isStub: boolean;
  /** Non-blank lines of the declaration as it is now. */
  readonly lines: number;
  /**
   * The rest of the file (without this declaration) when it imports nothing but the language's standard library, so
   * that it can stand beside the candidate in the sandbox (`TaskSpec.contextCode`); undefined otherwise.
   */
  readonly context: string | undefined;
  /** Why there is no context (`imports ./util.js`), for the report; undefined when there is one or the file has nothing else. */
  readonly contextNote: string | undefined;
}
