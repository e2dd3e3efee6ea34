/**
 * @module decompose/archetypes/archetype
 * Agent archetypes as data. In MAKER (Meyerson et al. 2025, arXiv 2511.09030, §3.1) an "agent" is one focused call
 * to a shared model; an archetype is everything that specialises such a call: the prompt template, the output
 * schema, the red-flag profile (§3.3) and the diversity profile that decorrelates samples for voting. No archetype
 * carries code of its own: {@link defineArchetype} derives the one method (`jsonSchema`) from the data.
 */
import { z } from 'zod';
import { parseOptions } from '../../errors/parse-options.js';

/** The seven archetypes of a `zerr build` (seed implementation guide §3). */
export const ARCHETYPE_NAMES = ['decomposer', 'specifier', 'coder', 'verifier', 'integrator', 'reviewer', 'coordinator'] as const;
/** One of {@link ARCHETYPE_NAMES}. */
export type ArchetypeName = (typeof ARCHETYPE_NAMES)[number];

/** How an answer is framed: one JSON object, one fenced code block, or free text. */
export type OutputFormat = 'json' | 'code' | 'text';

/**
 * A prompt as data. `system` and `user` are template strings with `{{name}}` placeholders (see `renderPrompt`).
 * A chat model gets `[system (+ guidance), user (+ variant paragraph)]`; a continuation model gets the same text as
 * one prompt followed by `completion.cue`, which ends with `completion.prefix` (the first characters of the answer,
 * e.g. `{`): the answer is `prefix + continuation`.
 */
export interface PromptTemplate {
  readonly system: string;
  readonly user: string;
  /** Extra user paragraph per prompt variant (`''` for none). Keys are the variant names. */
  readonly variants: Readonly<Record<string, string>>;
  /** Extra system lines layered on by specialist profiles (empty for a plain archetype). */
  readonly guidance: readonly string[];
  readonly completion: { readonly cue: string; readonly prefix: string };
}

/** Which red flags apply to an archetype's answers (MAKER §3.3: discard, never repair). */
export interface RedFlagProfile {
  /** Token cap of one answer; an answer reaching it is red-flagged `over-token-cap`. */
  readonly maxOutputTokens: number;
  readonly format: OutputFormat;
  /** Stable names of the red-flag rules that apply, e.g. `over-token-cap`, `not-json`, `cycle`. */
  readonly checks: readonly string[];
}

/**
 * How samples are decorrelated (MAKER §3.3; seed guide §1.2: diversify by temperature, prompt and model).
 * `temperatures[0]` is used once, for sample 0 (conventionally 0, the most likely answer); the rest cycle.
 */
export interface DiversityProfile {
  readonly temperatures: readonly number[];
  /** Prompt variants, round-robin by sample index; each must be a key of `promptTemplate.variants`. */
  readonly promptVariants: readonly string[];
  /** Name of a model route (e.g. `fast`, `strong`) the engine maps to a model; absent: the default model. */
  readonly modelRoute?: string;
}

/** An agent archetype. `Output` is the zod schema its answers must satisfy. */
export interface Archetype<Output extends z.ZodType = z.ZodType> {
  readonly name: ArchetypeName;
  readonly description: string;
  readonly promptTemplate: PromptTemplate;
  readonly outputSchema: Output;
  /** JSON Schema of the answer, `z.toJSONSchema(outputSchema, { io: 'input' })` (defaulted fields optional). */
  jsonSchema(): Readonly<Record<string, unknown>>;
  readonly redFlagProfile: RedFlagProfile;
  readonly diversityProfile: DiversityProfile;
  /** Names of the specialist profiles layered on (see `withSpecialist`), in order; empty for a plain archetype. */
  readonly specialists: readonly string[];
}

/** What {@link defineArchetype} takes: an archetype without its derived parts. */
export type ArchetypeDefinition<Output extends z.ZodType> = Omit<Archetype<Output>, 'jsonSchema' | 'specialists' | 'promptTemplate'> & {
  readonly promptTemplate: Omit<PromptTemplate, 'guidance'> & { readonly guidance?: readonly string[] };
  readonly specialists?: readonly string[];
};

const DataSchema = z
  .object({
    name: z.enum(ARCHETYPE_NAMES),
    description: z.string().min(1),
    promptTemplate: z.object({
      system: z.string().min(1),
      user: z.string().min(1),
      variants: z.record(z.string(), z.string()),
      guidance: z.array(z.string()).optional(),
      completion: z.object({ cue: z.string(), prefix: z.string() }).strict(),
    }).strict(),
    outputSchema: z.custom<z.ZodType>((value) => value instanceof z.ZodType, 'a zod schema'),
    redFlagProfile: z.object({
      maxOutputTokens: z.number().int().positive(),
      format: z.enum(['json', 'code', 'text']),
      checks: z.array(z.string().min(1)),
    }).strict(),
    diversityProfile: z.object({
      temperatures: z.array(z.number().min(0)).min(1, 'at least one temperature'),
      promptVariants: z.array(z.string()).min(1, 'at least one prompt variant'),
      modelRoute: z.string().min(1).optional(),
    }).strict(),
    specialists: z.array(z.string()).optional(),
  })
  .strict()
  .refine((data) => data.diversityProfile.promptVariants.every((variant) => Object.hasOwn(data.promptTemplate.variants, variant)), {
    message: 'every prompt variant named in diversityProfile.promptVariants must be a key of promptTemplate.variants',
    path: ['diversityProfile', 'promptVariants'],
  });

/**
 * Builds an {@link Archetype} from data, adding the derived `jsonSchema()` (computed once, on first use).
 * @throws InvalidArgumentError (`invalid_argument`, parameter `archetype.<field>`) when the data is malformed, e.g.
 *   a prompt variant without template text or an empty temperature list.
 */
export function defineArchetype<Output extends z.ZodType>(definition: ArchetypeDefinition<Output>): Archetype<Output> {
  parseOptions(DataSchema, definition, 'archetype');
  let schema: Readonly<Record<string, unknown>> | undefined;
  return {
    ...definition,
    promptTemplate: { ...definition.promptTemplate, guidance: definition.promptTemplate.guidance ?? [] },
    specialists: definition.specialists ?? [],
    jsonSchema() {
      schema ??= z.toJSONSchema(definition.outputSchema, { io: 'input' }) as Readonly<Record<string, unknown>>;
      return schema;
    },
  };
}
