/**
 * @module verify/static/finding
 * One finding of the static-analysis or security layer: a line, the rule that fired and a message a person (and a
 * model) can act on, plus whether it fails the layer (`error`) or is only reported (`warning`).
 */

/** Whether a finding fails its layer (`error`) or is only reported in `details` (`warning`). */
export type FindingSeverity = 'error' | 'warning';

/**
 * One finding. `line` is 1-based (0 when the finding is about the whole file, e.g. the line count). `rule` is the
 * ESLint rule id (`complexity`, `eqeqeq`, `security/detect-child-process`), `max-lines`, or a deny-list id
 * (`deny/child-process`, `py/eval`).
 */
export interface Finding {
  readonly line: number;
  readonly rule: string;
  readonly message: string;
  readonly severity: FindingSeverity;
}

/** `line 7: complexity 18 > maxComplexity 15 (function solve)`. */
export function formatFinding(finding: Finding): string {
  return `line ${finding.line}: ${finding.message}`;
}

/** Findings in line order (stable for one line), so the first error named in a reason is the earliest. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.line - b.line);
}

/**
 * A layer's reason from its findings: the first error and a count of the rest (`line 3: ... (and 2 more)`), or
 * `undefined` when there is no error-level finding.
 */
export function failureReason(findings: readonly Finding[]): string | undefined {
  const errors = sortFindings(findings).filter((f) => f.severity === 'error');
  const first = errors[0];
  if (first === undefined) return undefined;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${formatFinding(first)}${more}`;
}
