import { describe, it, expect } from 'vitest';
import { renderMessagesAsPrompt } from './render-messages.js';

describe('renderMessagesAsPrompt', () => {
  it('renders one labelled paragraph per message and an open assistant turn', () => {
    expect(renderMessagesAsPrompt([{ role: 'system', content: 'S' }, { role: 'user', content: 'U' }])).toBe(
      'System: S\n\nUser: U\n\nAssistant:',
    );
  });
});
