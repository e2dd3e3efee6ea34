/**
 * @module cli/commands/memory
 * `zerr memory add|search|stats|forget`: the project's memory (`<project>/.zerr/memory.sqlite`, or `--memory`/
 * `ZERR_MEMORY`): code chunked by symbol, documents by heading, ranked by BM25 and - with `--embeddings <uri>` (or
 * `ZERR_EMBEDDINGS`) - by vector similarity too, fused by reciprocal rank. Without an embedding model a search says it
 * ranked by BM25 alone. Loads the memory module alone (no engine): fast start-up.
 */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { openMemory } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { positiveInt } from '../option-parsers.js';
import { formatTable } from '../text-table.js';
import type { EmbeddingModel as EmbeddingModelLike } from '../../llm/index.js';
import type { SqliteMemoryStore as MemoryStore } from '../../memory/index.js';

const TYPES = ['api_doc', 'code', 'task', 'test', 'error'] as const;

interface CommonOptions {
  memory?: string;
  json?: boolean;
}

interface FilterOptions {
  type?: (typeof TYPES)[number];
  namespace?: string;
  source?: string;
  language?: string;
  tags?: string;
  task?: string;
}

/** Registers `memory add|search|stats|forget` on `program`. */
export function registerMemoryCommand(program: Command, setExit: (code: number) => void): void {
  const memory = program.command('memory').description('The project\'s memory: chunks of code and documents, searched by BM25 (and vectors with --embeddings)');
  const common = (command: Command): Command => command
    .option('--memory <file>', 'memory file (default <project>/.zerr/memory.sqlite, env ZERR_MEMORY)')
    .option('--json', 'JSON output');
  const filters = (command: Command): Command => command
    .addOption(new Option('--type <type>', 'chunk type').choices([...TYPES]))
    .option('--namespace <name>', 'namespace: project (default) or an archetype\'s own memory')
    .option('--source <path>', 'a source, or a folder ending in /')
    .option('--language <language>', 'typescript, javascript, python, ...')
    .option('--tags <a,b>', 'every tag listed')
    .option('--task <id>', 'task id');

  common(memory.command('add'))
    .description('Add files and folders: TypeScript/JavaScript and Python by symbol, Markdown by heading, other text in ~1,024-token parts; adding a file again replaces its chunks')
    .argument('<paths...>')
    .addOption(new Option('--type <type>', 'chunk type of everything added (default: code, test or api_doc by file)').choices([...TYPES]))
    .option('--namespace <name>', 'namespace (default project)')
    .option('--tags <a,b>', 'tags of every chunk')
    .option('--embeddings <uri>', 'embedding model: openai:<model>[?baseURL=...] or llama-cpp:<file.gguf> (env ZERR_EMBEDDINGS)')
    .action(async (paths: string[], options: CommonOptions & { type?: (typeof TYPES)[number]; namespace?: string; tags?: string; embeddings?: string }) => {
      const { chunkPaths } = await import('../../memory/index.js');
      const { findProjectRoot } = await import('../../store/index.js');
      const root = findProjectRoot(process.cwd()) ?? process.cwd();
      const started = Date.now();
      const { chunks, files } = await chunkPaths(paths.map((path) => resolve(path)), {
        root, ...(options.type === undefined ? {} : { type: options.type }), ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
        tags: splitTags(options.tags),
      });
      await withMemory(options, embeddingsUri(options.embeddings), async (store, embedder) => {
        const result = await store.add(chunks, { replaceSources: true, embedder });
        const summary = { files: files.length, chunks: chunks.length, added: result.added, removed: result.removed, embeddings: embedder?.modelId ?? null, durationMs: Date.now() - started };
        if (options.json === true) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else process.stdout.write(`${files.length} files, ${chunks.length} chunks: ${result.added} added, ${result.removed} replaced; ${embedder === undefined ? 'no embeddings (BM25 only)' : `embedded with ${embedder.modelId}`} (${summary.durationMs} ms)\n`);
      });
    });

  filters(common(memory.command('search')))
    .description('Search the memory: the best chunks for a query')
    .argument('<query>')
    .option('-k, --k <n>', 'how many', positiveInt('--k'), 5)
    .option('--embeddings <uri>', 'the embedding model the vectors were made with (env ZERR_EMBEDDINGS); without it BM25 alone')
    .action(async (query: string, options: CommonOptions & FilterOptions & { k: number; embeddings?: string }) => {
      await withMemory(options, embeddingsUri(options.embeddings), async (store, embedder) => {
        const result = await store.search(query, { k: options.k, embedder, ...filterOf(options) });
        if (options.json === true) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        process.stdout.write(`ranking: ${result.mode === 'hybrid' ? 'BM25 and vectors (reciprocal rank fusion)' : result.note ?? 'BM25 only'}\n`);
        if (result.hits.length === 0) process.stdout.write('no chunk matches\n');
        for (const [index, hit] of result.hits.entries()) {
          const where = `${hit.chunk.source}${hit.chunk.startLine === undefined ? '' : `:${hit.chunk.startLine}-${hit.chunk.endLine ?? hit.chunk.startLine}`}`;
          const ranks = [hit.ranks.bm25 === undefined ? '' : `bm25 #${hit.ranks.bm25}`, hit.ranks.vector === undefined ? '' : `vector #${hit.ranks.vector}`].filter(Boolean).join(', ');
          process.stdout.write(`${index + 1}. ${where} ${hit.chunk.symbol ?? ''} [${hit.chunk.type}] (${ranks})\n${indent(preview(hit.chunk.text))}\n`);
        }
      });
    });

  common(memory.command('stats'))
    .description('What the memory holds: chunks by namespace and type, sources, embeddings')
    .action(async (options: CommonOptions) => {
      await withMemory(options, undefined, async (store) => {
        const stats = await store.stats();
        if (options.json === true) {
          process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${stats.path}: ${stats.chunks} chunks from ${stats.sources} sources; ${stats.embeddings === null ? 'no embeddings (BM25 only)' : `${stats.embeddings.vectors} vectors of ${stats.embeddings.model} (${stats.embeddings.dimensions} dimensions)`}\n`);
        if (stats.chunks > 0) {
          process.stdout.write(await formatTable({
            head: ['by', 'name', 'chunks'],
            rows: [...Object.entries(stats.byNamespace).map(([name, n]) => ['namespace', name, String(n)]), ...Object.entries(stats.byType).map(([name, n]) => ['type', name, String(n)])],
            alignRight: [2],
          }));
        }
      });
    });

  filters(common(memory.command('forget')))
    .description('Remove the chunks the filters match (--all: everything)')
    .option('--all', 'remove every chunk (and the vectors, so that another embedding model can be used)')
    .action(async (options: CommonOptions & FilterOptions & { all?: boolean }) => {
      const filter = filterOf(options);
      if (Object.keys(filter).length === 0 && options.all !== true) {
        process.stderr.write('zerr memory forget: name what to forget (--source, --namespace, --type, --language, --tags, --task) or pass --all\n');
        setExit(ExitCode.badInput);
        return;
      }
      await withMemory(options, undefined, async (store) => {
        const removed = await store.forget({ ...filter, ...(options.all === true ? { all: true } : {}) });
        if (options.json === true) process.stdout.write(`${JSON.stringify({ removed }, null, 2)}\n`);
        else process.stdout.write(`${removed} chunks removed\n`);
      });
    });
}


/** Opens the memory (and the embedding model when one is named), runs `use`, closes both. */
async function withMemory(
  options: CommonOptions, embeddings: string | undefined,
  use: (store: MemoryStore, embedder: EmbeddingModelLike | undefined) => Promise<void>,
): Promise<void> {
  const embedder = embeddings === undefined ? undefined : await (await import('../../llm/index.js')).createEmbeddingModel(embeddings);
  try {
    const store = await openMemory(options.memory);
    try {
      await use(store, embedder);
    } finally {
      await store.close();
    }
  } finally {
    await embedder?.close();
  }
}

function embeddingsUri(flag: string | undefined): string | undefined {
  return flag ?? nonEmpty(process.env['ZERR_EMBEDDINGS']);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function splitTags(tags: string | undefined): string[] {
  return (tags ?? '').split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
}

function filterOf(options: FilterOptions): Record<string, unknown> {
  const tags = splitTags(options.tags);
  return {
    ...(options.type === undefined ? {} : { type: options.type }),
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    ...(options.source === undefined ? {} : { source: options.source }),
    ...(options.language === undefined ? {} : { language: options.language }),
    ...(options.task === undefined ? {} : { taskId: options.task }),
    ...(tags.length === 0 ? {} : { tags }),
  };
}

/** The first 6 lines of a chunk. */
function preview(text: string): string {
  const lines = text.split('\n');
  return lines.slice(0, 6).join('\n') + (lines.length > 6 ? `\n... (${lines.length - 6} more lines)` : '');
}

function indent(text: string): string {
  return text.split('\n').map((line) => `   ${line}`).join('\n');
}
