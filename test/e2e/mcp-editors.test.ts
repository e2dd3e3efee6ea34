/**
 * End-to-end test of the editor set-up the README documents ("Editors (MCP)"): zerr installed globally the way the
 * README says (`npm install -g` of this folder, here into a private prefix), each documented JSON snippet read from
 * README.md, and its command started as an editor starts it - from `/`, over stdio, with the official MCP client. The
 * server must answer `verify`, and keep its state in the user's data folder: `/` belongs to no project, and nothing
 * may be written there.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTaskSpec } from '../../src/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLAMP_GOOD = 'function clamp(x: number, low: number, high: number): number {\n  return Math.min(Math.max(x, low), high);\n}';

interface ServerEntry { readonly command: string; readonly args: readonly string[] }

/** Every `<!-- mcp-config: names -->` JSON block of the README, with the zerr server entry it configures. */
function documentedSnippets(): { names: string; entry: ServerEntry }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/<!-- mcp-config: ([^>]+) -->\n```json\n([\s\S]*?)\n```/g)].map((match) => {
    const config = JSON.parse(match[2] ?? '') as { mcpServers?: Record<string, ServerEntry>; servers?: Record<string, ServerEntry> };
    const entry = (config.mcpServers ?? config.servers ?? {})['zerr'];
    if (entry === undefined) throw new Error(`README snippet for ${match[1] ?? ''} configures no "zerr" server`);
    return { names: (match[1] ?? '').trim(), entry };
  });
}

let work: string;
let prefix: string;
beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-mcp-editors-'));
  prefix = join(work, 'global');
  // The README's global install of a clone (npm links the folder; dist/ is built already, so no scripts run).
  await promisify(execFile)('npm', ['install', '-g', '--prefix', prefix, ROOT, '--ignore-scripts', '--no-audit', '--no-fund'], { timeout: 120_000 });
}, 150_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the README\'s MCP editor snippets', () => {
  const snippets = documentedSnippets();

  it('document Claude Desktop, Cursor and VS Code', () => {
    expect(snippets.map((s) => s.names)).toEqual(['claude-desktop, cursor', 'vscode']);
  });

  it.each(snippets.map((s) => [s.names, s.entry] as const))('%s: the documented command, started from / by the MCP client, verifies and keeps its state out of /', async (names, entry) => {
    const data = join(work, `data-${names.replace(/\W+/g, '-')}`);
    const env: Record<string, string> = {
      ...process.env as Record<string, string>, PATH: `${join(prefix, 'bin')}:${process.env['PATH'] ?? ''}`, XDG_DATA_HOME: data,
      CI: '1', ZERR_MODEL: '', ZERR_STORE: '', ZERR_DAEMON: 'off',
    };
    const rootStateBefore = existsSync('/.zerr');
    const transport = new StdioClientTransport({ command: entry.command, args: [...entry.args], cwd: '/', stderr: 'pipe', env });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const client = new Client({ name: `zerr-e2e-${names}`, version: '1.0.0' });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('verify');
      const clamp = await loadTaskSpec(join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml'));
      const verified = await client.callTool({ name: 'verify', arguments: { spec: clamp, code: CLAMP_GOOD } }) as CallToolResult;
      expect(verified.isError, stderr).not.toBe(true);
      expect(verified.structuredContent).toMatchObject({ passed: true });
    } finally {
      await client.close();
    }
    expect(existsSync('/.zerr'), 'nothing written to the working folder /').toBe(rootStateBefore);
    expect(existsSync(join(data, 'zerr', 'runs.sqlite')), stderr).toBe(true);
  }, 120_000);
});
