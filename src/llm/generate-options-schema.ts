/**
 * @module llm/generate-options-schema
 * Runtime validation of {@link GenerateOptions} at the provider boundary (the TypeScript type cannot express
 * "exactly one of `prompt` or `messages`" or numeric ranges).
 */
import { z } from 'zod';
import type { GenerateOptions } from './language-model.js';
import { parseOptions } from '../errors/parse-options.js';

const ChatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});

/** zod schema of {@link GenerateOptions}; unknown keys are rejected. */
export const GenerateOptionsSchema = z
  .object({
    prompt: z.string().optional(),
    messages: z.array(ChatMessageSchema).min(1, 'at least one message').optional(),
    temperature: z.number().min(0, 'a number >= 0').optional(),
    topP: z.number().gt(0, 'a number in (0, 1]').max(1, 'a number in (0, 1]').optional(),
    maxOutputTokens: z.number().int('a positive integer').positive('a positive integer').optional(),
    stop: z.array(z.string()).optional(),
    jsonSchema: z.record(z.string(), z.unknown()).optional(),
    seed: z.number().int('an integer').optional(),
    signal: z.instanceof(AbortSignal).optional(),
    metadata: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine((options) => (options.prompt === undefined) !== (options.messages === undefined), {
    message: 'exactly one of prompt or messages',
    path: ['prompt'],
  });

/**
 * Checks `options` and returns them unchanged.
 *
 * @throws InvalidArgumentError (`invalid_argument`) naming the field, e.g. `options.topP`, or `options.prompt`
 *   when neither or both of `prompt` and `messages` are given.
 */
export function validateGenerateOptions(options: GenerateOptions): GenerateOptions {
  parseOptions(GenerateOptionsSchema, options, 'options');
  return options;
}
