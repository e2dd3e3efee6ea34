/**
 * @module decompose/archetypes/render-prompt
 * Renders an archetype's prompt template with named variables into chat messages and a completion-style prompt.
 */
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import type { ChatMessage } from '../../llm/language-model.js';
import type { Archetype } from './archetype.js';

/** Values of a template's `{{name}}` placeholders. */
export type TemplateVariables = Readonly<Record<string, string | number>>;

/** One rendered prompt, in both styles. */
export interface RenderedPrompt {
  readonly variant: string;
  /** `[system, user]` for chat models. */
  readonly messages: readonly ChatMessage[];
  /** The same text for continuation models, ending with the completion cue (e.g. `...JSON answer:\n{`). */
  readonly prompt: string;
  /** The start of the answer the prompt already wrote (e.g. `{`): a continuation's answer is `prefix + text`. */
  readonly continuationPrefix: string;
}

const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g;

/**
 * Replaces every `{{name}}` in `template` with `variables[name]`. Text that is not a placeholder (JSON braces
 * included) is kept as is; substituted values are not re-scanned.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `variables.<name>`) for a placeholder without a value.
 */
export function renderTemplate(template: string, variables: TemplateVariables): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (value === undefined) {
      throw new InvalidArgumentError({ parameter: `variables.${name}`, value, expected: `a value for the template placeholder {{${name}}}` });
    }
    return String(value);
  });
}

/**
 * Renders `archetype`'s prompt for one sample.
 *
 * - system message: `system`, then each specialist guidance line (as a `Specialist guidance:` list);
 * - user message: `user`, then the variant's paragraph when it is not empty;
 * - completion prompt: system and user text separated by blank lines, then `completion.cue`; the continuation
 *   prefix is `completion.prefix`, rendered (e.g. `{`, or the coder's `{{stub}}`).
 *
 * With `options.structuredOutput` (the model enforces the output's JSON Schema, so its answer is the whole object)
 * the completion prompt leaves the prefix out of the cue and `continuationPrefix` is empty.
 *
 * @param variant one of the archetype's `promptTemplate.variants` keys; default: the first of
 *   `diversityProfile.promptVariants`.
 * @throws InvalidArgumentError (`invalid_argument`): parameter `variant` for an unknown variant, `variables.<name>`
 *   for a missing placeholder value.
 */
export function renderPrompt(
  archetype: Archetype,
  variables: TemplateVariables,
  variant?: string,
  options: { readonly structuredOutput?: boolean } = {},
): RenderedPrompt {
  const template = archetype.promptTemplate;
  const chosen = variant ?? archetype.diversityProfile.promptVariants[0] ?? '';
  if (!Object.hasOwn(template.variants, chosen)) {
    throw new InvalidArgumentError({
      parameter: 'variant',
      value: chosen,
      expected: `one of ${Object.keys(template.variants).map((name) => JSON.stringify(name)).join(', ')}`,
    });
  }
  const guidance = template.guidance.length === 0 ? '' : `\n\nSpecialist guidance:\n${template.guidance.map((line) => `- ${line}`).join('\n')}`;
  const system = renderTemplate(template.system, variables) + guidance;
  const extra = template.variants[chosen] ?? '';
  const user = renderTemplate(template.user, variables) + (extra === '' ? '' : `\n\n${renderTemplate(extra, variables)}`);
  const cue = renderTemplate(template.completion.cue, variables);
  const prefix = renderTemplate(template.completion.prefix, variables);
  return {
    variant: chosen,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
    prompt: `${system}\n\n${user}\n\n${options.structuredOutput === true && cue.endsWith(prefix) ? cue.slice(0, cue.length - prefix.length) : cue}`,
    continuationPrefix: options.structuredOutput === true ? '' : prefix,
  };
}
