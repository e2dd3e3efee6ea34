/**
 * @module llm/render-messages
 * Renders chat messages as one plain-text prompt for continuation-style models (llama.cpp raw completion,
 * OpenAI `/v1/completions`), and the reverse: a raw prompt as a one-message chat.
 */
import type { ChatMessage, GenerateOptions } from './language-model.js';

const ROLE_LABEL: Readonly<Record<ChatMessage['role'], string>> = {
  system: 'System',
  user: 'User',
  assistant: 'Assistant',
};

/**
 * Renders `messages` as `System: ...\n\nUser: ...\n\nAssistant:` - one paragraph per message and an open
 * `Assistant:` turn for the model to continue. A deliberately simple, model-agnostic template.
 */
export function renderMessagesAsPrompt(messages: readonly ChatMessage[]): string {
  const turns = messages.map((message) => `${ROLE_LABEL[message.role]}: ${message.content}`);
  return [...turns, 'Assistant:'].join('\n\n');
}

/** The raw prompt of `options`: `prompt` as given, or `messages` rendered by {@link renderMessagesAsPrompt}. */
export function promptOf(options: GenerateOptions): string {
  return options.prompt ?? renderMessagesAsPrompt(options.messages ?? []);
}

/** The chat messages of `options`: `messages` as given, or `prompt` as a single user message. */
export function messagesOf(options: GenerateOptions): readonly ChatMessage[] {
  return options.messages ?? [{ role: 'user', content: options.prompt ?? '' }];
}
