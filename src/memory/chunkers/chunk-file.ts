/**
 * @module memory/chunkers/chunk-file
 * Turns files and folders into memory chunks: TypeScript/JavaScript and Python by symbol, Markdown by heading, other
 * text in parts of about 1,024 tokens. Folders are walked, leaving out `node_modules`, `dist`, `.git`, `.zerr` and
 * other hidden folders, and files over 1 MiB or with NUL bytes (not text).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { MemoryChunkInput, MemoryChunkType } from '../memory-chunk.js';
import { chunkMarkdown } from './chunk-markdown.js';
import { chunkPython } from './chunk-python.js';
import { chunkTypeScript, type SymbolChunk } from './chunk-typescript.js';
import { splitByTokens } from './split-by-tokens.js';

/** Largest file read, in bytes. */
export const MAX_MEMORY_FILE_BYTES = 1024 * 1024;

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'build', 'coverage', '__pycache__', 'venv']);
const CODE_EXTENSIONS: Readonly<Record<string, string>> = {
  '.ts': 'typescript', '.tsx': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.js': 'javascript', '.jsx': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.py': 'python',
};
const TEXT_EXTENSIONS = new Set(['.md', '.markdown', '.txt', '.rst', '.yaml', '.yml', '.json', '.toml']);

/** Options of {@link chunkPaths}. */
export interface ChunkPathsOptions {
  /** Sources are written relative to this folder (POSIX separators). */
  readonly root: string;
  readonly namespace?: string;
  readonly tags?: readonly string[];
  /** Override every chunk's type (e.g. `api_doc` for a vendored library's sources). Default: by file. */
  readonly type?: MemoryChunkType;
  readonly maxTokens?: number;
  readonly signal?: AbortSignal;
}

/** Chunks of every file under `paths` (files or folders), in path order, and the files read. */
export async function chunkPaths(paths: readonly string[], options: ChunkPathsOptions): Promise<{ chunks: MemoryChunkInput[]; files: string[] }> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await collect(path)));
  files.sort();
  const chunks: MemoryChunkInput[] = [];
  for (const file of files) {
    options.signal?.throwIfAborted();
    chunks.push(...(await chunkOneFile(file, options)));
  }
  return { chunks, files: files.map((file) => sourceName(options.root, file)) };
}

/** A file's source name: relative to `root` (POSIX separators) when inside it, else its absolute path. */
function sourceName(root: string, file: string): string {
  const inside = relative(root, file);
  return inside.startsWith('..') || isAbsolute(inside) ? resolve(file).split(sep).join('/') : inside.split(sep).join('/');
}

async function collect(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  if (!info.isDirectory()) return [];
  const found: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) found.push(...(await collect(child)));
    else if (entry.isFile() && (Object.hasOwn(CODE_EXTENSIONS, extname(entry.name)) || TEXT_EXTENSIONS.has(extname(entry.name)))) found.push(child);
  }
  return found;
}

/** The chunks of one file (none for a file that is too large or not text). */
export async function chunkOneFile(file: string, options: ChunkPathsOptions): Promise<MemoryChunkInput[]> {
  const info = await stat(file);
  if (info.size > MAX_MEMORY_FILE_BYTES) return [];
  const source = await readFile(file, 'utf8');
  if (source.includes('\u0000')) return [];
  const extension = extname(file);
  const language = CODE_EXTENSIONS[extension];
  const relativeSource = sourceName(options.root, file);
  const isTest = /(^|[/.])(test|spec)[s]?[/._]|\.test\.|_test\.py$|(^|\/)test_[^/]*\.py$/.test(relativeSource);
  let symbols: SymbolChunk[];
  if (language === 'python') symbols = await chunkPython(source, { ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }), ...(options.signal === undefined ? {} : { signal: options.signal }) });
  else if (language !== undefined) symbols = chunkTypeScript(file, source, options.maxTokens);
  else if (extension === '.md' || extension === '.markdown') symbols = chunkMarkdown(source, options.maxTokens);
  else symbols = splitByTokens(source, 1, options.maxTokens).map((part) => ({ ...part, symbol: null, exported: true, doc: null }));
  return symbols.map((chunk) => ({
    text: chunk.text,
    type: options.type ?? (language === undefined || chunk.symbol === null && language !== undefined ? 'api_doc' : isTest ? 'test' : 'code'),
    source: relativeSource,
    ...(chunk.symbol === null ? {} : { symbol: chunk.symbol }),
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    ...(language === undefined ? {} : { language }),
    tags: [...(options.tags ?? [])],
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
  }));
}
