import { describe, expect, it } from 'vitest';
import { CHAT_COMMANDS, helpText, parseChatMessage, parseImplementTarget } from './chat-message.js';
import { refinedDescription, refinementRequest } from './refine-request.js';

describe('parseChatMessage', () => {
  it('reads every slash command, with its argument', () => {
    for (const command of CHAT_COMMANDS) expect(parseChatMessage(`/${command.name}`)).toEqual({ kind: 'command', name: command.name, argument: '' });
    expect(parseChatMessage('  /build a library with a clamp function  ')).toEqual({ kind: 'command', name: 'build', argument: 'a library with a clamp function' });
    expect(parseChatMessage('/implement src/math.ts#clamp')).toEqual({ kind: 'command', name: 'implement', argument: 'src/math.ts#clamp' });
    expect(parseChatMessage('/EXIT')).toEqual({ kind: 'command', name: 'exit', argument: '' });
    expect(parseChatMessage('/quit')).toEqual({ kind: 'command', name: 'exit', argument: '' });
  });

  it('a path ending in .yaml, .yml or .json is a spec file, absolute or quoted', () => {
    expect(parseChatMessage('specs/clamp.yaml')).toEqual({ kind: 'spec-file', path: 'specs/clamp.yaml' });
    expect(parseChatMessage('/home/me/clamp.yml')).toEqual({ kind: 'spec-file', path: '/home/me/clamp.yml' });
    expect(parseChatMessage('./task.JSON')).toEqual({ kind: 'spec-file', path: './task.JSON' });
    expect(parseChatMessage("'/tmp/my specs/clamp.yaml'")).toEqual({ kind: 'spec-file', path: '/tmp/my specs/clamp.yaml' });
  });

  it('anything else is words, an unknown /word an unknown command, white space nothing', () => {
    expect(parseChatMessage('a function that clamps x into [low, high]')).toEqual({ kind: 'words', text: 'a function that clamps x into [low, high]' });
    expect(parseChatMessage('write it to out.yaml please')).toEqual({ kind: 'words', text: 'write it to out.yaml please' });
    expect(parseChatMessage('fibonacci')).toEqual({ kind: 'words', text: 'fibonacci' });
    expect(parseChatMessage('/frobnicate now')).toEqual({ kind: 'unknown-command', name: 'frobnicate' });
    expect(parseChatMessage('/usr/bin/thing')).toEqual({ kind: 'words', text: '/usr/bin/thing' });
    expect(parseChatMessage('   \t ')).toEqual({ kind: 'empty' });
  });
});

describe('parseImplementTarget', () => {
  it('reads <file>#<symbol> and <file>; refuses no file', () => {
    expect(parseImplementTarget('src/math.ts#clamp')).toEqual({ file: 'src/math.ts', symbol: 'clamp' });
    expect(parseImplementTarget('src/stack.ts#Stack.push')).toEqual({ file: 'src/stack.ts', symbol: 'Stack.push' });
    expect(parseImplementTarget('lib/util.py')).toEqual({ file: 'lib/util.py', symbol: null });
    expect(parseImplementTarget('')).toBeNull();
    expect(parseImplementTarget('#clamp')).toBeNull();
    expect(parseImplementTarget('a.ts#1bad')).toBeNull();
  });
});

describe('help and refinement text', () => {
  it('/help lists every command', () => {
    const help = helpText();
    for (const command of CHAT_COMMANDS) expect(help).toContain(command.usage);
  });

  it('a follow-up carries the previous spec and the message; the description keeps the user\'s words', () => {
    const request = refinementRequest({ previousSpecYaml: 'id: clamp\nname: clamp\n', message: '  also accept low > high by swapping them ' });
    expect(request).toContain('The previous spec was:\n```yaml\nid: clamp\nname: clamp\n```');
    expect(request).toContain('The user now asks: also accept low > high by swapping them\n');
    expect(refinedDescription('Clamp x.\n', 'swap low and high when reversed')).toBe('Clamp x.\nChange: swap low and high when reversed');
  });
});
