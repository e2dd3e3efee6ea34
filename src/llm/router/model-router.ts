/**
 * @module llm/router/model-router
 * A route of models behind one {@link LanguageModel}: each call is drawn from the route's mix by weight (a mix of
 * models decorrelates errors, MAKER arXiv 2511.09030 §3.3 and §6; seed implementation guide §1.2: diversify by
 * model), and a call that a model cannot answer goes on to the next: the rest of the mix by weight, then the
 * fallback chain in order (local -> remote -> last resort).
 *
 * The draw is a function of (seed, task id, sample index) when the call names them (`metadata.taskId`,
 * `metadata.sampleIndex`), so a resumed or replayed run asks the same model for the same sample; otherwise a smooth
 * weighted round-robin. Each member is expected to be wrapped in its own model stack (retry, timeout, circuit
 * breaker): a member whose breaker is OPEN refuses at once (`circuit_open`) and the call moves on without waiting;
 * the breaker's own HALF_OPEN trial brings it back.
 *
 * What hands a call over: any error except an abort of the caller's signal and `invalid_argument` (the request
 * itself is wrong, and would be wrong for every member). When every model failed, the error is
 * `ModelUnavailableError` naming each model's failure if all of them were unavailable (`model_unavailable`,
 * `circuit_open`), `ReplayExhaustedError` if every model is a replay with nothing left, else the last error (so the
 * engine counts a failed call as it would for one model).
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { parseOptions } from '../../errors/parse-options.js';
import type { GenerateOptions, GenerateResult, LanguageModel, ModelCapabilities } from '../language-model.js';
import { ModelUnavailableError } from '../model-errors.js';
import type { CircuitBreakerState } from '../middleware/circuit-breaker.js';
import { fnv1a32, mulberry32 } from '../seeded-shuffle.js';

/** One model of a route. */
export interface RouteMember {
  /** The name the configuration gives it (or its URI); it is what a sample records as the model that answered. */
  readonly name: string;
  /** The model, wrapped in its own stack (retry, timeout, circuit breaker). */
  readonly model: LanguageModel & {
    /** The member's circuit breaker, when its stack has one (a `ModelStack`'s): read for stats and metrics. */
    readonly circuitBreaker?: {
      readonly state: CircuitBreakerState;
      onStateChange(listener: (state: CircuitBreakerState) => void): () => void;
    } | undefined;
  };
}

/** Options of {@link ModelRouter}. */
export interface ModelRouterOptions {
  /** Route name for messages and the router's modelId, e.g. `coder`. */
  readonly route: string;
  /** The mix: each call is drawn from these by weight (weights > 0; relative). At least one. */
  readonly mix: readonly (RouteMember & { readonly weight: number })[];
  /** Tried in order after every model of the mix failed a call. Default none. */
  readonly fallback?: readonly RouteMember[];
  /** Seed of the weighted draw. Default 0. */
  readonly seed?: number;
}

/** Counts of one member's calls. */
export interface RouteMemberStats {
  readonly name: string;
  readonly modelId: string;
  /** `mix` or `fallback`. */
  readonly role: 'mix' | 'fallback';
  readonly weight: number | null;
  /** Calls this member was asked (including refusals by its open circuit). */
  readonly calls: number;
  readonly answered: number;
  /** Calls it failed (after its own retries), by error code. */
  readonly failed: Readonly<Record<string, number>>;
  /** Calls that reached it only because an earlier member failed. */
  readonly handedOver: number;
  readonly circuitBreaker: CircuitBreakerState | null;
}

/** What a router call listener sees: one member's attempt at one call. */
export interface RouteAttempt {
  readonly route: string;
  readonly member: string;
  readonly outcome: 'answered' | 'failed';
  /** Error code of a failure (`circuit_open`, `model_call_failed`, ...). */
  readonly code?: string;
  /** The member that failed before this one, for a call that was handed over. */
  readonly handedOverFrom?: string;
}

const MemberSchema = z.object({ name: z.string().min(1, 'a non-empty name'), model: z.custom<LanguageModel>((value) => typeof (value as LanguageModel | null)?.generate === 'function', 'a LanguageModel') }).strict();
const RouterOptionsSchema = z.object({
  route: z.string().min(1, 'a non-empty route name'),
  mix: z.array(MemberSchema.extend({ weight: z.number().gt(0, 'a number > 0').finite('a number > 0') })).min(1, 'at least one model'),
  fallback: z.array(MemberSchema).default([]),
  seed: z.number().int('an integer').default(0),
}).strict();

/**
 * A route of models as one model (see the module comment). `provider` is `router`, `modelId` is
 * `route:<route>(<mix names>; fallback <names>)`; a result's `modelId` is the answering member's name.
 */
export class ModelRouter implements LanguageModel {
  readonly provider = 'router';
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  readonly route: string;
  readonly #mix: readonly (RouteMember & { readonly weight: number })[];
  readonly #fallback: readonly RouteMember[];
  readonly #seed: number;
  readonly #totalWeight: number;
  readonly #stats = new Map<string, { calls: number; answered: number; failed: Record<string, number>; handedOver: number }>();
  readonly #listeners = new Set<(attempt: RouteAttempt) => void>();
  /** Smooth weighted round-robin state (nginx's), for calls without a task id and sample index. */
  readonly #current: number[];

  /**
   * @throws InvalidArgumentError (`invalid_argument`) for an empty mix, a weight <= 0, two members with one name
   *   (`options.mix.<i>.name`), or members of different completion styles (`options.mix.<i>.model`: one route
   *   prompts every member the same way).
   */
  constructor(options: ModelRouterOptions) {
    const input = parseOptions(RouterOptionsSchema, options);
    this.route = input.route;
    this.#mix = options.mix;
    this.#fallback = options.fallback ?? [];
    this.#seed = input.seed;
    const members = [...this.#mix, ...this.#fallback];
    const names = new Set<string>();
    const style = members[0]?.model.capabilities.completionStyle ?? 'chat';
    for (const [index, member] of members.entries()) {
      const where = index < this.#mix.length ? `options.mix.${index}` : `options.fallback.${index - this.#mix.length}`;
      if (names.has(member.name)) throw invalid(`${where}.name`, member.name, 'a name no other member of the route has');
      names.add(member.name);
      if (member.model.capabilities.completionStyle !== style) {
        throw invalid(`${where}.model`, member.name, `a ${style}-style model like ${members[0]?.name ?? 'the first'} (one route prompts all its models the same way)`);
      }
      this.#stats.set(member.name, { calls: 0, answered: 0, failed: {}, handedOver: 0 });
    }
    this.#totalWeight = this.#mix.reduce((sum, member) => sum + member.weight, 0);
    this.#current = this.#mix.map(() => 0);
    this.capabilities = {
      completionStyle: style,
      jsonSchema: members.every((member) => member.model.capabilities.jsonSchema),
      honoursTemperature: members.every((member) => member.model.capabilities.honoursTemperature),
    };
    const fallbackNote = this.#fallback.length === 0 ? '' : `; fallback ${this.#fallback.map((member) => member.name).join(', ')}`;
    this.modelId = `route:${this.route}(${this.#mix.map((member) => member.name).join(', ')}${fallbackNote})`;
  }

  /**
   * Draws a member, then hands the call on while members fail (see the module comment).
   * @throws what the module comment lists when every member failed; the caller's AbortError at once.
   */
  async generate(options: GenerateOptions): Promise<GenerateResult> {
    const order = this.#order(options.metadata);
    const errors: { readonly member: string; readonly error: unknown }[] = [];
    for (const member of order) {
      options.signal?.throwIfAborted();
      const stats = this.#stats.get(member.name);
      if (stats === undefined) continue;
      stats.calls += 1;
      const from = errors.at(-1)?.member;
      if (from !== undefined) stats.handedOver += 1;
      try {
        const result = await member.model.generate(options);
        stats.answered += 1;
        this.#notify({ route: this.route, member: member.name, outcome: 'answered', ...(from === undefined ? {} : { handedOverFrom: from }) });
        return { ...result, modelId: member.name };
      } catch (error) {
        const code = errorCode(error);
        if (options.signal?.aborted === true || code === 'invalid_argument') throw error;
        stats.failed[code] = (stats.failed[code] ?? 0) + 1;
        this.#notify({ route: this.route, member: member.name, outcome: 'failed', code, ...(from === undefined ? {} : { handedOverFrom: from }) });
        errors.push({ member: member.name, error });
      }
    }
    throw this.#allFailed(errors);
  }

  /** Per-member counts since the router was made, mix first (in configuration order), then the fallback chain. */
  stats(): RouteMemberStats[] {
    const row = (member: RouteMember, role: 'mix' | 'fallback', weight: number | null): RouteMemberStats => {
      const stats = this.#stats.get(member.name) ?? { calls: 0, answered: 0, failed: {}, handedOver: 0 };
      return {
        name: member.name, modelId: member.model.modelId, role, weight, calls: stats.calls, answered: stats.answered,
        failed: { ...stats.failed }, handedOver: stats.handedOver, circuitBreaker: member.model.circuitBreaker?.state ?? null,
      };
    };
    return [...this.#mix.map((member) => row(member, 'mix', member.weight)), ...this.#fallback.map((member) => row(member, 'fallback', null))];
  }

  /** The members, mix first then the fallback chain (for metrics: each member's circuit breaker). */
  members(): readonly RouteMember[] {
    return [...this.#mix, ...this.#fallback];
  }

  /** Subscribes to every member attempt (answered or failed). Returns the function that unsubscribes. */
  onAttempt(listener: (attempt: RouteAttempt) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Closes every member (all of them, even when one fails to close; the first error is rethrown). */
  async close(): Promise<void> {
    const results = await Promise.allSettled([...this.#mix, ...this.#fallback].map((member) => member.model.close()));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** The drawn member, then the rest of the mix by weight (heaviest first, then configuration order), then the fallback chain. */
  #order(metadata: GenerateOptions['metadata']): RouteMember[] {
    const first = this.#draw(metadata);
    const rest = this.#mix
      .map((member, index) => ({ member, index }))
      .filter(({ index }) => index !== first)
      .sort((a, b) => b.member.weight - a.member.weight || a.index - b.index)
      .map(({ member }) => member);
    const drawn = this.#mix[first];
    return [...(drawn === undefined ? [] : [drawn]), ...rest, ...this.#fallback];
  }

  #draw(metadata: GenerateOptions['metadata']): number {
    if (this.#mix.length === 1) return 0;
    const taskId = metadata?.['taskId'];
    const sampleIndex = Number(metadata?.['sampleIndex']);
    if (taskId !== undefined && Number.isInteger(sampleIndex)) {
      let point = mulberry32(fnv1a32(`${this.#seed}:${taskId}:${sampleIndex}`))() * this.#totalWeight;
      for (const [index, member] of this.#mix.entries()) {
        point -= member.weight;
        if (point < 0) return index;
      }
      return this.#mix.length - 1;
    }
    // Smooth weighted round-robin: every member gains its weight, the largest is chosen and loses the total.
    let best = 0;
    for (const [index, member] of this.#mix.entries()) {
      this.#current[index] = (this.#current[index] ?? 0) + member.weight;
      if ((this.#current[index] ?? 0) > (this.#current[best] ?? 0)) best = index;
    }
    this.#current[best] = (this.#current[best] ?? 0) - this.#totalWeight;
    return best;
  }

  #notify(attempt: RouteAttempt): void {
    for (const listener of this.#listeners) {
      try {
        listener(attempt);
      } catch {
        // A listener's failure is the listener's; the call goes on.
      }
    }
  }

  #allFailed(errors: readonly { readonly member: string; readonly error: unknown }[]): unknown {
    const codes = errors.map(({ error }) => errorCode(error));
    if (codes.every((code) => code === 'replay_exhausted')) return errors[0]?.error;
    const summary = errors.map(({ member, error }) => `${member}: ${error instanceof Error ? error.message : String(error)}`).join('; ');
    if (codes.every((code) => code === 'model_unavailable' || code === 'circuit_open')) {
      return new ModelUnavailableError({ provider: 'router', message: `every model of route ${this.route} is unavailable (${summary})`, cause: errors.at(-1)?.error });
    }
    const last = [...errors].reverse().find(({ error }) => errorCode(error) !== 'replay_exhausted');
    return last?.error;
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
}

function invalid(parameter: string, value: unknown, expected: string): InvalidArgumentError {
  return new InvalidArgumentError({ parameter, value, expected });
}
