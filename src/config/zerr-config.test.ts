import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigValidationError, configNotes, configuredConcurrency, configuredModel, linkUri, loadZerrConfig, readConfigFile, resolveRoute, userConfigFile } from './zerr-config.js';

const work = mkdtempSync(join(tmpdir(), 'zerr-config-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('zerr.config.yaml', () => {
  it('is read from the project root (not above its git root), merged over the user\'s file section by section', async () => {
    const outer = join(work, 'outer');
    const repo = join(outer, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'lib'), { recursive: true });
    writeFileSync(join(outer, 'zerr.config.yaml'), 'defaults: { k: 7 }\n'); // above the git root: not this project's
    const none = await loadZerrConfig({ cwd: join(repo, 'lib'), env: { XDG_CONFIG_HOME: join(work, 'no-user') } });
    expect(none).toEqual({ config: { models: {}, routes: {}, defaults: {} }, files: [] });
    writeFileSync(join(repo, 'zerr.config.yaml'), 'models:\n  a: { uri: "replay:a.jsonl" }\nroutes:\n  coder: [a, "openai:gpt-4.1-mini"]\ndefaults: { maxSamples: 9, store: ../runs.sqlite }\n');
    mkdirSync(join(work, 'user', 'zerr'), { recursive: true });
    writeFileSync(join(work, 'user', 'zerr', 'config.yaml'), 'models:\n  a: { uri: "replay:user.jsonl" }\n  b: { uri: "anthropic:claude" }\ndefaults: { k: 4, maxSamples: 50 }\n');
    const loaded = await loadZerrConfig({ cwd: join(repo, 'lib'), env: { XDG_CONFIG_HOME: join(work, 'user') } });
    expect(loaded.files).toEqual([join(repo, 'zerr.config.yaml'), join(work, 'user', 'zerr', 'config.yaml')]);
    expect(loaded.config.models).toEqual({ a: { uri: 'replay:a.jsonl' }, b: { uri: 'anthropic:claude' } });
    expect(loaded.config.defaults).toEqual({ k: 4, maxSamples: 9, store: join(outer, 'runs.sqlite') }); // relative to the file
    // Two models in the route: the command builds the router (`route:coder`), a answering, the URI its fallback.
    expect(configuredModel(loaded.config)).toBe('route:coder');
    expect(resolveRoute(loaded.config, 'coder')).toEqual({
      archetype: 'coder', mix: [{ name: 'a', uri: 'replay:a.jsonl', weight: 1 }], fallback: [{ name: 'openai:gpt-4.1-mini', uri: 'openai:gpt-4.1-mini' }],
    });
    expect(configNotes(loaded.config)).toEqual(['routes.coder: read by every command that samples code (solve, build, estimate, serve, mcp) when no --model or ZERR_MODEL names a model']);
  });

  it('a route is a list or a mix by weight with a fallback chain; one model alone is that model', async () => {
    const file = join(work, 'mix.yaml');
    writeFileSync(file, 'models:\n  local: { uri: "llama-cpp:./m.gguf" }\n  cloud: { uri: "openai:gpt-4.1-mini" }\nroutes:\n  coder: { mix: { local: 2, cloud: 1 }, fallback: ["anthropic:claude"] }\n  reviewer: [cloud]\n');
    const config = await readConfigFile(file);
    expect(resolveRoute(config, 'coder')).toEqual({
      archetype: 'coder',
      mix: [{ name: 'local', uri: 'llama-cpp:./m.gguf', weight: 2 }, { name: 'cloud', uri: 'openai:gpt-4.1-mini', weight: 1 }],
      fallback: [{ name: 'anthropic:claude', uri: 'anthropic:claude' }],
    });
    expect(configuredModel(config)).toBe('route:coder');
    expect(configNotes(config)).toEqual([
      'routes.coder: read by every command that samples code (solve, build, estimate, serve, mcp) when no --model or ZERR_MODEL names a model',
      'routes.reviewer: read by zerr solve --review (the reviewer filter)',
    ]);
    writeFileSync(file, 'routes:\n  coder: ["openai:gpt-4.1-mini"]\n');
    expect(configuredModel(await readConfigFile(file))).toBe('openai:gpt-4.1-mini');
    writeFileSync(file, 'models:\n  local: { uri: "llama-cpp:./m.gguf" }\nroutes:\n  coder: { mix: { local: 0, lcoal: 1 }, fallback: [local] }\n  reviewer: { mix: {} }\n  decomposer: { models: [local] }\n');
    const error = await readConfigFile(file).catch((e: unknown) => e) as ConfigValidationError;
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['routes.coder.mix.local', 'routes.decomposer', 'routes.reviewer.mix']);
    writeFileSync(file, 'models:\n  local: { uri: "llama-cpp:./m.gguf" }\nroutes:\n  coder: { mix: { local: 1, lcoal: 1 }, fallback: [local] }\n');
    const names = await readConfigFile(file).catch((e: unknown) => e) as ConfigValidationError;
    expect(names.issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['routes.coder.mix.lcoal', expect.stringContaining('did you mean "local"?')],
      ['routes.coder.fallback.0', expect.stringContaining('local is named twice')],
    ]);
  });

  it('a model\'s price and context size become its URI\'s parameters; its concurrency is looked up by that URI', async () => {
    const file = join(work, 'models.yaml');
    writeFileSync(file, [
      'models:',
      '  local: { uri: "llama-cpp:./m.gguf?threads=2", contextSize: 4096, concurrency: 2 }',
      '  cloud: { uri: "openai:gpt-4.1-mini", price: { input: 0.4, output: 1.6 }, concurrency: 8 }',
      '  plain: { uri: "anthropic:claude" }',
      'routes:',
      '  coder: [cloud]',
      '',
    ].join('\n'));
    const config = await readConfigFile(file);
    expect(linkUri(config, 'local')).toBe('llama-cpp:./m.gguf?threads=2&contextSize=4096');
    expect(linkUri(config, 'cloud')).toBe('openai:gpt-4.1-mini?inputUsdPerMTok=0.4&outputUsdPerMTok=1.6');
    expect(linkUri(config, 'plain')).toBe('anthropic:claude');
    expect(configuredModel(config)).toBe('openai:gpt-4.1-mini?inputUsdPerMTok=0.4&outputUsdPerMTok=1.6');
    expect(configuredConcurrency(config, 'openai:gpt-4.1-mini?inputUsdPerMTok=0.4&outputUsdPerMTok=1.6')).toBe(8);
    expect(configuredConcurrency(config, 'llama-cpp:./m.gguf?threads=2&contextSize=4096')).toBe(2);
    expect(configuredConcurrency(config, 'anthropic:claude')).toBeUndefined();
    writeFileSync(file, [
      'models:',
      '  a: { uri: "openai:x?inputUsdPerMTok=1&outputUsdPerMTok=2", price: { input: 1, output: 2 } }',
      '  b: { uri: "openai:y", contextSize: 8192, concurrency: 0 }',
      '  c: { uri: "openai:z", price: { input: -1, output: 2 } }',
      '',
    ].join('\n'));
    const error = await readConfigFile(file).catch((e: unknown) => e) as ConfigValidationError;
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['models.a.price', 'models.b.concurrency', 'models.b.contextSize', 'models.c.price.input']);
    writeFileSync(file, 'models:\n  a: { uri: "openai:x?inputUsdPerMTok=1&outputUsdPerMTok=2", price: { input: 1, output: 2 } }\n  b: { uri: "openai:y", contextSize: 8192 }\n');
    const refined = await readConfigFile(file).catch((e: unknown) => e) as ConfigValidationError;
    expect(refined.issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['models.a.price', expect.stringContaining('the URI already gives inputUsdPerMTok')],
      ['models.b.contextSize', expect.stringContaining('a llama-cpp model')],
    ]);
  });

  it('names the line of a YAML syntax error and every field problem', async () => {
    const broken = join(work, 'broken.yaml');
    writeFileSync(broken, 'models:\n  a: { uri: "x\n');
    await expect(readConfigFile(broken)).rejects.toThrow(new RegExp(`${broken}: YAML syntax error`));
    const wrong = join(work, 'wrong.yaml');
    writeFileSync(wrong, 'defaults: { k: 0, maxSamples: 1.5, vote: majority, target: 1 }\nmodels:\n  "9bad": { uri: "replay:x" }\n');
    const error = await readConfigFile(wrong).catch((e: unknown) => e) as ConfigValidationError;
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.code).toBe('invalid_config');
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['defaults.k', 'defaults.maxSamples', 'defaults.target', 'defaults.vote', 'models.9bad']);
  });

  it('the user\'s file is under XDG_CONFIG_HOME when it is absolute, else ~/.config', () => {
    expect(userConfigFile({ XDG_CONFIG_HOME: '/etc/xdg' }, '/home/ada')).toBe('/etc/xdg/zerr/config.yaml');
    expect(userConfigFile({ XDG_CONFIG_HOME: 'rel' }, '/home/ada')).toBe('/home/ada/.config/zerr/config.yaml');
  });
});
