/**
 * @module orchestrate/prompting/build-prompt
 * Turns a task spec into the model call for one sample: the code stub for continuation-style models, or chat
 * messages asking for one fenced code block for chat models. Hidden tests are never part of a prompt.
 */
import type { ChatMessage, CompletionStyle } from '../../llm/language-model.js';
import { renderStub } from '../../task-spec/render-stub.js';
import { contextPrefix, expectsThrow, type TaskSpec } from '../../task-spec/task-spec.js';
import type { PromptVariant } from './prompt-variants.js';
import { SPECIALISTS, specialistFor, type SpecialistName } from '../../decompose/archetypes/specialists.js';

/** What the sampler sends for one sample. */
export interface SamplePrompt {
  readonly style: CompletionStyle;
  readonly variant: PromptVariant;
  readonly prompt?: string;
  readonly messages?: readonly ChatMessage[];
  /** Stop sequences (continuation style only). */
  readonly stop: readonly string[];
  /** The specialist profile whose guidance the chat system message carries (`specialistFor`), or null. */
  readonly specialist: SpecialistName | null;
}

/** CodeT / Codex stop list for Python continuations (CodeT, Chen et al. 2022, §4). */
export const PYTHON_CONTINUATION_STOPS = ['\nclass', '\ndef', '\n#', '\nif', '\nprint'] as const;
/** MultiPL-E stop list for TypeScript continuations. */
export const TYPESCRIPT_CONTINUATION_STOPS = ['\nfunction ', '\n/*', '\n//', '\nclass'] as const;

/**
 * Builds the prompt of one sample.
 *
 * Continuation: the model continues `renderStub(spec)`; stop sequences come from `spec.metadata.stopTokens` (a JSON
 * array, as MultiPL-E ships them) or the language's default list. Chat: a system message fixing the answer format
 * and a user message with the description, signature, stub and visible examples, worded per `variant`; the system
 * message ends with the guidance of the task's specialist profile (`specialistFor`: by task type, else by the kind of
 * work its name and description name), under `Specialist guidance (<name>):`.
 *
 * `options.retrievedContext` (chunks the memory retrieved for the task, and its earlier failures: `RunOptions.memory`)
 * is a last section of a chat prompt, marked as retrieved and not part of the task; a continuation prompt is the stub
 * alone and does not carry it.
 *
 * `spec.contextCode` (verified code of the dependencies; seed guide: execute with retrieved context) comes before
 * the stub in a continuation prompt (`contextPrefix(spec) + stub`, the same text assembly puts in front of the
 * candidate); a chat prompt shows it in its own fenced block as available functions, already verified, to call and
 * not to redefine.
 */
export function buildSamplePrompt(spec: TaskSpec, style: CompletionStyle, variant: PromptVariant, options: { readonly retrievedContext?: string | undefined } = {}): SamplePrompt {
  const stub = renderStub(spec);
  const context = contextPrefix(spec);
  const isClass = spec.taskType === 'class';
  const isModule = spec.taskType === 'module';
  if (style === 'continuation') {
    if (isModule) return { style, variant: 'stub', prompt: context + stub + moduleContinuationHead(spec), stop: continuationStops(spec), specialist: null };
    return { style, variant: 'stub', prompt: context + stub + (isClass ? classContinuationHead(spec) : ''), stop: continuationStops(spec), specialist: null };
  }
  const language = spec.language === 'python' ? 'Python' : 'TypeScript';
  const fence = spec.language === 'python' ? 'python' : 'typescript';
  const specialist = specialistFor(spec);
  const examples = (isClass || isModule ? sequenceExamples(spec) : spec.testCases
    .slice(0, 5)
    .map((test) => `${spec.signature.entryPoint}(${test.inputs.map((v) => JSON.stringify(v)).join(', ')})` +
      (expectsThrow(test) ? ` throws${test.throws?.type === undefined ? '' : ` ${test.throws.type}`}` : ` returns ${JSON.stringify(test.expected)}`)))
    .map((line) => `- ${line}`)
    .join('\n');
  const what = isClass ? `the complete class \`${spec.signature.entryPoint}\` with every method implemented`
    : isModule ? `the complete module: every function (${spec.methods.map((m) => `\`${m.name}\``).join(', ')})${spec.fields.length === 0 ? '' : ` and constant (${spec.fields.map((f) => `\`${f.name}\``).join(', ')})`} implemented at the top level`
    : `the complete function \`${spec.signature.entryPoint}\``;
  const system =
    `You write one correct${context === '' ? ', self-contained' : ''} ${language} ${isClass ? 'class' : isModule ? 'module' : 'function'}. Answer with exactly one fenced code block ` +
    `(\`\`\`${fence}) containing ${what} and any imports or helpers ` +
    'it needs. No explanations, no tests, no example usage.' +
    (context === '' ? '' : ' The available functions shown are already defined: call them, never redefine or repeat them.') +
    (specialist === null ? '' : `\n\nSpecialist guidance (${specialist}):\n${SPECIALISTS[specialist].guidance.map((line) => `- ${line}`).join('\n')}`);
  const available = `Available functions, already verified; call them, do not redefine them:\n\`\`\`${fence}\n${context}\`\`\``;
  const parts: string[] = [];
  if (variant === 'spec-first') {
    parts.push(`Signature to implement:\n\`\`\`${fence}\n${stub}\`\`\``, `Task: ${spec.description}`);
    if (context !== '') parts.push(available);
  } else {
    parts.push(`Task: ${spec.description}`);
    if (context !== '') parts.push(available);
    parts.push(`Complete this code:\n\`\`\`${fence}\n${stub}\`\`\``);
  }
  if (examples) parts.push(`Examples:\n${examples}`);
  if (spec.preconditions.length > 0) parts.push(`Preconditions: ${spec.preconditions.join('; ')}`);
  if (spec.postconditions.length > 0) parts.push(`Postconditions: ${spec.postconditions.join('; ')}`);
  if (spec.invariants.length > 0 && spec.taskType === 'class') parts.push(`Class invariants (over the fields, after every call): ${spec.invariants.join('; ')}`);
  const contracts = spec.methods.filter((m) => m.preconditions.length + m.postconditions.length > 0).map((m) => `- ${m.name}: ${[
    ...(m.preconditions.length > 0 ? [`requires ${m.preconditions.join('; ')}`] : []),
    ...(m.postconditions.length > 0 ? [`ensures ${m.postconditions.join('; ')}`] : []),
  ].join('; ')}`);
  if (contracts.length > 0) parts.push(`Method contracts (old_<field>: the field before the call; result: the returned value):\n${contracts.join('\n')}`);
  if (variant === 'edge-cases') parts.push('Handle edge cases (empty inputs, zero, negative numbers, duplicates) correctly.');
  if (options.retrievedContext !== undefined && options.retrievedContext !== '') {
    parts.push(`Retrieved from the project's memory (for reference only; the task above is what counts):\n${options.retrievedContext}`);
  }
  return {
    style,
    variant,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: parts.join('\n\n') },
    ],
    stop: [],
    specialist,
  };
}

/**
 * What a continuation prompt of a class spec ends with, after the skeleton: a comment line and `class Name`, so that
 * the model writes the class again with its methods implemented (assembly puts the same head before the text).
 */
export function classContinuationHead(spec: Pick<TaskSpec, 'language' | 'signature'>): string {
  const comment = spec.language === 'python' ? '#' : '//';
  return `\n\n${comment} The class ${spec.signature.entryPoint} with every method implemented:\nclass ${spec.signature.entryPoint}`;
}

/**
 * What a continuation prompt of a module spec ends with, after the skeleton: a comment line, so that the model writes
 * the module again with its functions implemented (assembly takes the text as the module).
 */
export function moduleContinuationHead(spec: Pick<TaskSpec, 'language' | 'signature'>): string {
  return `\n\n${spec.language === 'python' ? '#' : '//'} The module ${spec.signature.entryPoint} with every function implemented:\n`;
}

/**
 * Up to five visible call sequences of a class spec, one line each: `x = Name(1); x.add(2) returns 3; x.total is 3`;
 * of a module spec without the instance: `add(1, 2) returns 3; PI is 3.14`.
 */
function sequenceExamples(spec: TaskSpec): string[] {
  const json = (value: unknown): string => JSON.stringify(value) ?? 'undefined';
  const on = spec.taskType === 'module' ? '' : 'x.';
  return spec.sequences.slice(0, 5).map((sequence) => {
    const steps = sequence.steps.map((step) => {
      if (step.set !== undefined) return `x.${step.set} = ${json(step.value)}`;
      const action = step.call !== undefined ? `${on}${step.call}(${step.args.map(json).join(', ')})` : `${on}${step.field ?? ''}`;
      if (expectsThrow(step)) return `${action} throws${step.throws?.type === undefined ? '' : ` ${step.throws.type}`}`;
      return step.expected === undefined ? action : `${action} ${step.call !== undefined ? 'returns' : 'is'} ${json(step.expected)}`;
    });
    return (spec.taskType === 'module' ? steps : [`x = ${spec.signature.entryPoint}(${sequence.construct.map(json).join(', ')})`, ...steps]).join('; ');
  });
}

/** Stop sequences for a continuation of `spec`'s stub. */
export function continuationStops(spec: TaskSpec): readonly string[] {
  const recorded = spec.metadata['stopTokens'];
  if (recorded !== undefined) {
    try {
      const parsed: unknown = JSON.parse(recorded);
      if (Array.isArray(parsed) && parsed.every((s) => typeof s === 'string')) return parsed;
    } catch {
      // fall through to the language default
    }
  }
  return spec.language === 'python' ? PYTHON_CONTINUATION_STOPS : TYPESCRIPT_CONTINUATION_STOPS;
}
