/**
 * @module decompose/proposal-draw
 * One model call of a proposal vote (decomposer, specifier, reviewer): the call as plain data ({@link ProposalCall},
 * rendered for either completion style, so it can cross a queue to a worker whose model the owner does not know),
 * and what it came to ({@link ProposalDraw}). The vote (`proposal-vote.ts`) draws each sample through a
 * {@link ProposalDrawer}: {@link modelProposalDrawer} calls a model in this process; a queue drawer
 * (`orchestrate/remote-proposal.ts`) has a `zerr worker` make the same call. Either way the answer's red-flag checks,
 * its class and its vote are the owner's.
 */
import { callFailureOf, isAbortOf, type CallFailure } from '../llm/call-failure.js';
import type { ChatMessage, CompletionStyle, FinishReason, GenerateResult, LanguageModel } from '../llm/language-model.js';
import { ReplayExhaustedError } from '../llm/model-errors.js';
import type { Archetype } from './archetypes/archetype.js';
import { promptVariantForSample, temperatureForSample } from './archetypes/diversity.js';
import { renderPrompt, type TemplateVariables } from './archetypes/render-prompt.js';

/** One sample of a proposal vote to draw. */
export interface ProposalDrawRequest {
  readonly runId: string;
  /** Store task id of the vote (`decompose:<node>`, `specify:<id>`, `review:<task>:<class>`). */
  readonly taskId: string;
  readonly sampleIndex: number;
  /** Calls of this sample index that gave no answer so far (a queue names the job by it). Default 0. */
  readonly draw?: number | undefined;
  readonly archetype: Archetype;
  readonly variables: TemplateVariables;
  /** Token cap of the answer. */
  readonly maxOutputTokens: number;
  /** The vote's seed; the call's is `seed + sampleIndex`. */
  readonly seed: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * A proposal sample's model call as plain JSON, for any model: the chat messages, the continuation prompt with and
 * without a JSON Schema enforced, the answer's continuation prefix, the schema, and the sampling settings. The model
 * that makes it uses what its capabilities ask for ({@link callForProposal}).
 */
export interface ProposalCall {
  /** The archetype's name: a worker draws with the model its routes give this archetype. */
  readonly archetype: string;
  readonly messages: readonly ChatMessage[];
  /** Continuation prompt ending in the completion cue (the answer continues `continuationPrefix`). */
  readonly prompt: string;
  /** Continuation prompt for a model that enforces `jsonSchema` (the answer is the whole object). */
  readonly structuredPrompt: string;
  readonly continuationPrefix: string;
  readonly jsonSchema: Readonly<Record<string, unknown>>;
  /** The diversity profile's temperature of this sample; sent only to a model that honours temperature. */
  readonly temperature: number;
  readonly promptVariant: string;
  readonly maxOutputTokens: number;
  readonly seed: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/** What one proposal call came to. */
export type ProposalDraw =
  | {
    readonly kind: 'answer';
    /** The answer as the checks read it: the continuation prefix (when the model continued one) and the text. */
    readonly answer: string;
    /** The model's own text (recorded as the sample's `text`). */
    readonly text: string;
    readonly modelId: string;
    readonly finishReason: FinishReason;
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly latencyMs: number;
    readonly costUsd: number | null;
    /** Attempts the call took (1 without retries). */
    readonly attempts: number;
    /** The temperature sent, or null for a model that does not honour one. */
    readonly temperature: number | null;
    readonly promptVariant: string;
  }
  /** The call gave no answer; the sample index is drawn again. `error` is what the vote counts and reports. */
  | { readonly kind: 'failed'; readonly failure: CallFailure; readonly error: unknown }
  /** A replay provider has no recorded answer left for the task. */
  | { readonly kind: 'exhausted' };

/**
 * Draws one proposal sample.
 * @throws the signal's reason when aborted; a queue drawer's machinery errors (`queue_unavailable`,
 *   `sample_job_refused`, `remote_verdict_rejected`).
 */
export type ProposalDrawer = (request: ProposalDrawRequest) => Promise<ProposalDraw>;

/**
 * The {@link ProposalCall} of sample `request.sampleIndex`: the archetype's prompt variant and temperature of that
 * index (its diversity profile), rendered with and without structured output.
 * @throws InvalidArgumentError (`invalid_argument`, `variables.<name>`) for a placeholder without a value.
 */
export function proposalCall(request: ProposalDrawRequest): ProposalCall {
  const { archetype, variables, sampleIndex: index } = request;
  const variant = promptVariantForSample(archetype.diversityProfile, index);
  const plain = renderPrompt(archetype, variables, variant);
  const structured = renderPrompt(archetype, variables, variant, { structuredOutput: true });
  return {
    archetype: archetype.name, messages: plain.messages, prompt: plain.prompt, structuredPrompt: structured.prompt,
    continuationPrefix: plain.continuationPrefix, jsonSchema: archetype.jsonSchema(),
    temperature: temperatureForSample(archetype.diversityProfile, index), promptVariant: variant,
    maxOutputTokens: request.maxOutputTokens, seed: request.seed + index,
    metadata: { taskId: request.taskId, sampleIndex: String(index), promptVariant: variant },
  };
}

/**
 * The answer the checks read: a continuation model's text follows the prompt's continuation prefix (none when the
 * model enforced the schema); a chat model's text is the whole answer.
 */
export function proposalAnswer(call: Pick<ProposalCall, 'continuationPrefix'>, style: CompletionStyle, structured: boolean, text: string): string {
  return style === 'continuation' && !structured ? call.continuationPrefix + text : text;
}

/**
 * Makes `call` on `model`: chat messages for a chat model, else the continuation prompt (the structured one, with the
 * JSON Schema, when the model enforces schemas); the temperature only when the model honours it.
 * @throws the signal's AbortError when aborted. Every other failure of the call is returned (`failed`, `exhausted`).
 */
export async function callForProposal(model: LanguageModel, call: ProposalCall, signal?: AbortSignal): Promise<ProposalDraw> {
  const style = model.capabilities.completionStyle;
  const structured = model.capabilities.jsonSchema;
  const temperature = model.capabilities.honoursTemperature ? call.temperature : null;
  let result: GenerateResult;
  try {
    result = await model.generate({
      ...(style === 'chat' ? { messages: call.messages } : { prompt: structured ? call.structuredPrompt : call.prompt }),
      ...(temperature === null ? {} : { temperature }),
      ...(structured ? { jsonSchema: call.jsonSchema } : {}),
      maxOutputTokens: call.maxOutputTokens,
      seed: call.seed,
      metadata: call.metadata,
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    if (error instanceof ReplayExhaustedError) return { kind: 'exhausted' };
    if (isAbortOf(error, signal)) throw error;
    return { kind: 'failed', failure: callFailureOf(error), error };
  }
  return {
    kind: 'answer', answer: proposalAnswer(call, style, structured, result.text), text: result.text, modelId: result.modelId,
    finishReason: result.finishReason, inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens,
    latencyMs: result.latencyMs, costUsd: result.costUsd ?? null, attempts: result.attempts ?? 1, temperature,
    promptVariant: call.promptVariant,
  };
}

/** Draws proposal samples from `model` in this process. */
export function modelProposalDrawer(model: LanguageModel): ProposalDrawer {
  return (request) => callForProposal(model, proposalCall(request), request.signal);
}

/** Tokens and cost of model calls made elsewhere (a queue worker's), for a budget to count. */
export type RemoteUsageSink = (usage: { readonly inputTokens: number; readonly outputTokens: number; readonly costUsd?: number | undefined }) => void;

/** `drawer`, each answer's tokens and cost also given to `onAnswer`. */
export function countingDrawer(drawer: ProposalDrawer, onAnswer: RemoteUsageSink): ProposalDrawer {
  return async (request) => {
    const drawn = await drawer(request);
    if (drawn.kind === 'answer') onAnswer({ inputTokens: drawn.inputTokens, outputTokens: drawn.outputTokens, costUsd: drawn.costUsd ?? 0 });
    return drawn;
  };
}
