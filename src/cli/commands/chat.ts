/**
 * @module cli/commands/chat
 * `zerr chat`: a conversation over the engine in the terminal (`chat/chat-session.ts`): a task in words becomes a
 * proposed spec to confirm, edit or reject; a confirmed spec is solved with live progress and the vote; follow-ups
 * refine the last spec; `/help` lists the slash commands. The history goes to `<project>/.zerr/chat-history.jsonl`.
 * Exit 0 when the user leaves; 3 for bad input (no model, a bad option); 4/5/8 when the model, sandbox or store cannot
 * be opened, as `zerr solve`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { chosenModel, optionOrConfigured } from '../cli-config.js';
import { ExitCode } from '../exit-codes.js';
import { modelCallOptionsOf, withModelCallOptions, type ModelCallFlags } from '../model-call-options.js';
import { integer, positiveInt } from '../option-parsers.js';

interface ChatOptions extends ModelCallFlags {
  model?: string;
  k: number;
  maxSamples: number;
  specSamples: number;
  seed: number;
  out: string;
  language: 'typescript' | 'python';
  store?: string;
  unsafeNoSandbox?: boolean;
}

/** Registers `chat` on `program`. */
export function registerChatCommand(program: Command, setExit: (code: number) => void): void {
  withModelCallOptions(program
    .command('chat')
    .description('A conversation over the engine: a task in words becomes a proposed spec (confirm, edit or reject it), then it is solved with live progress and the vote; follow-ups refine the last spec; /help lists the commands')
    .option('-m, --model <uri>', 'model: llama-cpp:<file.gguf>, openai:<model>?baseURL=..., anthropic:<model>, replay:<file.jsonl> (env ZERR_MODEL, or routes.coder in zerr.config.yaml)')
    .option('-k, --k <n>', 'first-to-ahead-by-k margin of solves and specifications', positiveInt('--k'), 3)
    .option('--max-samples <n>', 'sample budget of one solve', positiveInt('--max-samples'), 20)
    .option('--spec-samples <n>', 'sample budget of one specification', positiveInt('--spec-samples'), 12)
    .option('--seed <n>', 'seed of generated inputs and sample order', integer('--seed'), 42)
    .option('-o, --out <dir>', 'where specs, code, reports and /build projects are written', 'zerr-out')
    .addOption(new Option('--language <language>', 'the language of functions specified from words').choices(['typescript', 'python']).default('typescript'))
    .option('--store <file>', 'run store (SQLite) path, default <project>/.zerr/runs.sqlite (env ZERR_STORE)')
    .option('--unsafe-no-sandbox', 'run generated code WITHOUT isolation when bubblewrap is unavailable (dangerous)'))
    .action(async (options: ChatOptions, command: Command) => {
      const model = await chosenModel(options.model);
      if (model === undefined) {
        process.stderr.write('zerr chat: no model given. Pass --model (or set ZERR_MODEL, or routes.coder in zerr.config.yaml), e.g. --model "openai:qwen2.5-coder?baseURL=http://127.0.0.1:8000/v1" or --model replay:<file.jsonl>.\n');
        setExit(ExitCode.badInput);
        return;
      }
      const k = await optionOrConfigured(command, 'k', options.k);
      const maxSamples = await optionOrConfigured(command, 'maxSamples', options.maxSamples);
      await mkdir(options.out, { recursive: true }); // an unusable --out is bad input now, not after the first solve
      // Loaded here, not at start-up: `zerr --help` loads none of the chat (nor simple-git, nor the engine).
      const [{ stateFolder }, { runBuildCommand }, { CHAT_HISTORY_FILE, ChatHistory }, { ChatSession }, { openEngineChatBackend }, { editorFromEnvironment }] = await Promise.all([
        import('../../store/index.js'), import('../chat/chat-build.js'), import('../chat/chat-history.js'), import('../chat/chat-session.js'),
        import('../chat/engine-chat-backend.js'), import('../chat/spec-editor.js'),
      ]);
      const history = new ChatHistory({ path: join(stateFolder(process.cwd()), CHAT_HISTORY_FILE) });
      const backend = await openEngineChatBackend({
        model, k, maxSamples, specSamples: options.specSamples, seed: options.seed, out: options.out, language: options.language,
        cwd: process.cwd(), progressStream: process.stderr, build: runBuildCommand,
        ...(options.store === undefined ? {} : { store: options.store }),
        ...(options.unsafeNoSandbox === true ? { unsafeNoSandbox: true } : {}),
        ...modelCallOptionsOf(options),
      });
      const session = new ChatSession({
        input: process.stdin, output: process.stdout, backend, history, editor: editorFromEnvironment(),
        debug: process.argv.includes('--debug') || process.env['ZERR_DEBUG'] === '1',
      });
      // On a terminal, Ctrl-C is a key readline reads; a SIGINT still comes from `kill -INT` or a pipe's terminal.
      // During /build the build's own handler has it (chat-build.ts forwards the chat's Ctrl-C to it).
      const onSigint = (): void => {
        if (session.working !== 'build') session.interrupt();
      };
      const onSigterm = (): void => session.close();
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigterm);
      try {
        await session.run();
        setExit(ExitCode.ok);
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
        await backend.close();
      }
    });
}
