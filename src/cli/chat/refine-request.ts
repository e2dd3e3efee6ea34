/**
 * @module cli/chat/refine-request
 * A follow-up in `zerr chat` changes the last spec: the specifier is asked with the last spec (as YAML) and the
 * user's new message, and the refined spec keeps the user's own words as its description (the YAML belongs in the
 * specifier's request, not in the task every coder sample reads).
 */

/** Options of {@link refinementRequest}. */
export interface RefinementRequestOptions {
  /** The last spec as YAML, without its metadata. */
  readonly previousSpecYaml: string;
  /** What the user asks now. */
  readonly message: string;
}

/**
 * The requirements the specifier gets for a follow-up: the previous spec and the message, in those words ("The
 * previous spec was: ... The user now asks: ..."), and to keep what the message does not change.
 */
export function refinementRequest(options: RefinementRequestOptions): string {
  return [
    'Change an existing function contract as the user asks.',
    'The previous spec was:',
    '```yaml',
    options.previousSpecYaml.trimEnd(),
    '```',
    `The user now asks: ${options.message.trim()}`,
    'Write the whole contract of the function as changed by this request; keep what the request does not change.',
  ].join('\n');
}

/** The refined spec's description: the previous one, and the change on a line of its own. */
export function refinedDescription(previousDescription: string, message: string): string {
  return `${previousDescription.trimEnd()}\nChange: ${message.trim()}`;
}
