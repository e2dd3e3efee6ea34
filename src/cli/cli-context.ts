/**
 * @module cli/cli-context
 * Opens what a command needs (store, sandbox, model) from its options, with the engine's defaults: the embedded
 * SQLite store under `.zerr/`, bubblewrap isolation, and the model URI the user names (or `route:<archetype>`, a route
 * of `zerr.config.yaml` as one model).
 */
import { chosenStorePath, commandConfig, isConfiguredChoice } from './cli-config.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BullmqQueue, WorkQueue } from '../queue/index.js';
import type { Engine, ModelPricing, ModelRouter, ModelStack, ModelStackOptions, RunStore, Sandbox } from '../index.js';
import type { SqliteMemoryStore } from '../memory/index.js';
import { loadEngineApi } from './engine-api.js';
import type { ModelCallFlags } from './model-call-options.js';
import { createNoModel, NO_MODEL_NAME } from './no-model.js';

/** The `--model` prefix of a configured route (config's ROUTE_MODEL_PREFIX; kept here so `--help` loads no config code). */
const ROUTE_MODEL_PREFIX = 'route:';

/** Options every engine-running command shares. */
export interface EngineCommandOptions extends ModelCallFlags {
  /** The model URI. Undefined only for commands that serve without a model (`zerr mcp`): a stand-in that fails every call. */
  readonly model: string | undefined;
  /** The command, for the stand-in's message. Default `zerr`. */
  readonly command?: string;
  readonly store?: string;
  readonly unsafeNoSandbox?: boolean;
  readonly dataDir?: string;
  /** Check Python candidates' types with pyright. Default true. */
  readonly pythonTypes?: boolean;
  /** Wrap the model in a circuit breaker (long-lived servers: a model that went away fails runs fast). Default false. */
  readonly circuitBreaker?: boolean;
  /**
   * The `--max-cost-usd` the command was given: a budget needs a priced model, so without a price for the model
   * opening fails with InvalidArgumentError (`invalid_argument`, parameter `--max-cost-usd`) naming how to give one.
   */
  readonly maxCostUsd?: number;
  /**
   * The archetypes besides the coder whose routes the command uses (`solve "<task>"`: the specifier; `build`: the
   * decomposer). Each with a route in zerr.config.yaml gets its model (its one model's URI, or a router over the
   * route); the others use the coder's model. Default none.
   */
  readonly archetypes?: readonly ArchetypeWithRoute[];
  /** Open the project's memory for the engine (`zerr solve --memory`: the verified-solution cache). Default false. */
  readonly memory?: boolean;
  /**
   * `--redis <url>`: the engine's samples go through a BullMQ queue on that Redis, to `zerr worker` processes
   * (`EngineOptions.queue`). Redis must answer within 5 s. Default none (samples drawn in this process).
   */
  readonly redis?: string;
  /** Lock of a claimed job with `redis` (`zerr worker --lock-ms`). Default 30,000. */
  readonly redisLockMs?: number;
  /** Keep runs in memory, not in a store file (`zerr worker`: it records nothing of its own). Default false. */
  readonly inMemoryStore?: boolean;
}

/** An archetype whose model may come from its own route. */
export type ArchetypeWithRoute = 'decomposer' | 'specifier' | 'reviewer';

/**
 * TEST HOOK, read here only: caps the SQLite store at this many pages for the whole command
 * (`SqliteRunStore.capPages`, SQLite's `PRAGMA max_page_count`), so that an end-to-end test can make a run fill the
 * store up for real (`SQLITE_FULL`, as on a full disk). Not for use outside tests.
 */
export const TEST_MAX_PAGE_COUNT_ENV = 'ZERR_TEST_SQLITE_MAX_PAGE_COUNT';

/**
 * Opens the memory at `path`, else `ZERR_MEMORY`, else `<project>/.zerr/memory.sqlite` (the state folder of the
 * command's project, as the run store).
 */
export async function openMemory(path?: string): Promise<SqliteMemoryStore> {
  const { SqliteMemoryStore } = await import('../memory/index.js');
  const { stateFolder } = await import('../store/index.js');
  const fromEnv = process.env['ZERR_MEMORY'];
  return SqliteMemoryStore.open(path ?? (fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv : join(stateFolder(process.cwd()), 'memory.sqlite')));
}

/**
 * Opens the run store named by `--store` (default `<project>/.zerr/runs.sqlite`: `store/state-folder.ts`; or env ZERR_STORE).
 * @throws StoreOpenError (`store_open_failed`: a folder, not a database, a newer schema, may not be written by this
 *   user); StoreUnavailableError (`store_unavailable`) when its disk is full or its file system read-only.
 */
export async function openStore(path: string | undefined): Promise<RunStore> {
  // The store alone, not the whole engine: `runs`, `escalations` and `keys` start in a fraction of the time.
  const { SqliteRunStore, StoreOpenError } = await import('../store/index.js');
  const resolved = await chosenStorePath(path);
  if ((await stat(resolved).catch(() => undefined))?.isDirectory() === true) {
    throw new StoreOpenError({ path: resolved, reason: 'it is a directory; --store (or ZERR_STORE) names the SQLite file, e.g. .zerr/runs.sqlite' });
  }
  const store = await SqliteRunStore.open({ path: resolved }); // explains a full disk or a read-only store itself
  const cap = process.env[TEST_MAX_PAGE_COUNT_ENV];
  if (cap !== undefined && cap !== '') {
    await store.capPages(Number(cap)).catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
  }
  return store;
}

/**
 * Opens the sandbox; without bubblewrap this throws SandboxUnavailableError unless `--unsafe-no-sandbox` was
 * given, in which case the sandbox itself warns loudly on stderr. `options.prestart`: spare processes kept started
 * per kind of request (default 2; a one-shot command that runs a few candidates wastes less CPU with 1).
 * `options.awaitProbe: false` returns before the bubblewrap probe has answered (see `CreateSandboxOptions`): only
 * for commands that spend nothing before their first sandboxed run.
 */
export async function openSandbox(unsafe: boolean | undefined, options: { readonly prestart?: number; readonly awaitProbe?: boolean } = {}): Promise<Sandbox> {
  const { createSandbox } = await import('../sandbox/index.js'); // the sandbox module alone: verify loads no engine
  return createSandbox({
    allowUnsafe: unsafe === true,
    ...(options.prestart === undefined ? {} : { bwrap: { prestart: options.prestart } }),
    ...(options.awaitProbe === undefined ? {} : { awaitProbe: options.awaitProbe }),
  });
}

/**
 * Builds an engine for a command (the store it opened is returned too; `engine.close()` closes it). Closes what it
 * opened if a later step fails. The model is wrapped with retry (3 retries unless `modelRetries`) and a per-call
 * timeout (the provider's default unless `modelTimeoutMs`; 0 turns either off), and priced by `modelPricingFor`.
 * @throws InvalidArgumentError (`invalid_argument`) for a bad model URI, or `--max-cost-usd` with an unpriced model.
 */
export async function openEngine(options: EngineCommandOptions): Promise<{
  engine: Engine; sandbox: Sandbox; store: RunStore; modelStack: ModelStack; pricing: ModelPricing | undefined; router: ModelRouter | undefined;
  /** The queue of `redis` (closed by `engine.close()`), for its counts on `/metrics`. */
  queue: WorkQueue | undefined;
  /** Where answers' costs come from, for reports: the model's price source, per model for a route; null when unpriced. */
  priceSource: string | null;
}> {
  const { createEngine } = await loadEngineApi();
  const sandbox = await openSandbox(options.unsafeNoSandbox);
  let store: RunStore | undefined;
  let queue: BullmqQueue | undefined;
  try {
    store = options.inMemoryStore === true ? new (await import('../store/index.js')).MemoryRunStore() : await openStore(options.store);
    // Before the model loads: an unreachable Redis is told at once (and nothing else is left open).
    queue = options.redis === undefined ? undefined : await openRedisQueue(options.redis, options.redisLockMs === undefined ? {} : { lockMs: options.redisLockMs });
    const opened = options.model?.startsWith(ROUTE_MODEL_PREFIX) === true
      ? await openRoute(options.model.slice(ROUTE_MODEL_PREFIX.length), options)
      : await openOneModel(options);
    const { model, pricing, router, priceSource } = opened;
    let archetypeModels: Awaited<ReturnType<typeof openArchetypeModels>> = {};
    let memory: SqliteMemoryStore | undefined;
    try {
      archetypeModels = await openArchetypeModels(options);
      memory = options.memory === true ? await openMemory() : undefined;
    } catch (error) {
      // A route or the memory that cannot be opened: close what was, the store and sandbox below.
      await Promise.allSettled([model, ...Object.values(archetypeModels).map((entry) => entry.model)].map((each) => each.close()));
      throw error;
    }
    const engine = createEngine({
      model, modelName: options.model ?? NO_MODEL_NAME, store, sandbox, prestartAnalysis: true, archetypeModels,
      ...(queue === undefined ? {} : { queue }),
      ...(memory === undefined ? {} : { memory }),
      ...(options.pythonTypes === undefined ? {} : { pythonTypes: options.pythonTypes }),
    });
    // `--log-level` (or ZERR_LOG_LEVEL): engine events as JSON lines on stderr, for every engine command.
    const level = process.env['ZERR_LOG_LEVEL'];
    if (level !== undefined && level !== '' && level !== 'silent') {
      const { createLogger, logEngineEvents } = await loadEngineApi();
      engine.on(logEngineEvents(createLogger({ destination: process.stderr, level })));
    }
    return { engine, sandbox, store, modelStack: model, pricing, router, priceSource, queue };
  } catch (error) {
    await sandbox.close();
    await store?.close();
    await queue?.close();
    throw error;
  }
}

/**
 * The BullMQ queue on `url`, once Redis answers a PING within 5 s.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `redis`) for a URL that is not redis:// or rediss://;
 *   QueueUnavailableError (`queue_unavailable`) naming the URL (password left out) when Redis does not answer.
 */
export async function openRedisQueue(url: string, options: { readonly lockMs?: number } = {}): Promise<BullmqQueue> {
  const { BullmqQueue, pingRedisUrl } = await import('../queue/index.js');
  // Pinged before the queue's own clients exist: an unreachable Redis is told at once, with nothing to close.
  await pingRedisUrl(url);
  return new BullmqQueue({ url, ...(options.lockMs === undefined ? {} : { lockMs: options.lockMs }) });
}

/**
 * The wrapping every model of a command gets: retry and timeout as the flags say, the circuit breaker when asked, its
 * price, and the concurrency `zerr.config.yaml` sets for it.
 */
function stackOptions(options: EngineCommandOptions, pricing: ModelPricing | undefined, circuitBreaker: boolean, maxConcurrency: number | undefined): ModelStackOptions {
  return {
    ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
    ...(options.modelTimeoutMs === undefined ? {} : { timeoutMs: options.modelTimeoutMs === 0 ? false : options.modelTimeoutMs }),
    ...(options.modelRetries === undefined ? {} : { retry: options.modelRetries === 0 ? false : { maxRetries: options.modelRetries } }),
    ...(circuitBreaker ? { circuitBreaker: true } : {}),
    ...(pricing === undefined ? {} : { pricing }),
  };
}

/** An unpriced model under `--max-cost-usd`: the error that says how to give it a price. */
async function unpricedModelError(maxCostUsd: number, uri: string | undefined): Promise<Error> {
  const { InvalidArgumentError } = await loadEngineApi();
  const join = uri?.includes('?') === true ? '&' : '?';
  return new InvalidArgumentError({
    parameter: '--max-cost-usd', value: maxCostUsd,
    expected: `a priced model, but ${uri ?? 'the model'} has no price (none in @pydantic/genai-prices for it; local, llama-cpp and replay models are unpriced): give one in the model URI, e.g. --model "${uri ?? ''}${join}inputUsdPerMTok=0.4&outputUsdPerMTok=1.6" (USD per 1,000,000 tokens)`,
  });
}

/**
 * The models of `options.archetypes` that have a route in zerr.config.yaml: `{ model, name }` per archetype, the name
 * the route's one URI or `route:<archetype>`. A route whose one model is the coder's model, or another archetype's
 * one model, shares it (one llama.cpp model is not loaded twice). What was opened is closed when a later one fails.
 */
async function openArchetypeModels(options: EngineCommandOptions): Promise<Partial<Record<ArchetypeWithRoute, { model: ModelStack; name: string }>>> {
  const wanted = options.archetypes ?? [];
  if (wanted.length === 0) return {};
  const { resolveRoute } = await import('../config/index.js');
  const { config } = await commandConfig();
  const models: Partial<Record<ArchetypeWithRoute, { model: ModelStack; name: string }>> = {};
  const opened: ModelStack[] = [];
  try {
    for (const archetype of wanted) {
      const route = resolveRoute(config, archetype);
      if (route === undefined) continue;
      const [only] = route.mix;
      const single = route.mix.length === 1 && route.fallback.length === 0 && only !== undefined ? only.uri : undefined;
      if (single !== undefined && single === options.model) continue; // the coder's own model serves it
      const name = single ?? `${ROUTE_MODEL_PREFIX}${archetype}`;
      // Two archetypes routed to the same one model share it (an embedded model is loaded once).
      const shared = single === undefined ? undefined : Object.values(models).find((entry) => entry.name === single);
      if (shared !== undefined) {
        models[archetype] = shared;
        continue;
      }
      const { model } = single === undefined ? await openRoute(archetype, options) : await openOneModel({ ...options, model: single }, await concurrencyOf(single));
      opened.push(model);
      models[archetype] = { model, name };
    }
    return models;
  } catch (error) {
    await Promise.allSettled(opened.map((model) => model.close()));
    throw error;
  }
}

/** The command's one model (or the no-model stand-in), priced and wrapped. */
async function openOneModel(
  options: EngineCommandOptions,
  concurrency?: number,
): Promise<{ model: ModelStack; pricing: ModelPricing | undefined; router: undefined; priceSource: string | null }> {
  const { createLanguageModel, createModelStack, modelPricingFor } = await loadEngineApi();
  const base = options.model === undefined
    ? await createNoModel(options.command ?? 'zerr')
    : await createLanguageModel(options.model, { ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }) });
  const pricing = options.model === undefined ? undefined : await modelPricingFor(options.model, base);
  if (options.maxCostUsd !== undefined && pricing === undefined) {
    await base.close();
    throw await unpricedModelError(options.maxCostUsd, options.model);
  }
  // A model named on the command line is taken as it is; one the configuration chose gets its configured concurrency.
  const maxConcurrency = concurrency ?? (options.model !== undefined && isConfiguredChoice(options.model) ? await concurrencyOf(options.model) : undefined);
  return {
    model: createModelStack(base, stackOptions(options, pricing, options.circuitBreaker === true, maxConcurrency)), pricing, router: undefined,
    priceSource: pricing?.source ?? null,
  };
}

/**
 * `--model route:<archetype>` (what `routes.coder` with several models gives): a {@link ModelRouter} over the route
 * of `zerr.config.yaml`, each model in its own stack with a circuit breaker (an OPEN one hands calls on at once).
 * The router itself is not retried again: each member retries its own calls.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `--model`) when the configuration has no such route;
 *   `--max-cost-usd` when a model of the route has no price; whatever opening a member throws (the others are closed).
 */
async function openRoute(archetype: string, options: EngineCommandOptions): Promise<{ model: ModelStack; pricing: ModelPricing | undefined; router: ModelRouter; priceSource: string | null }> {
  const api = await loadEngineApi();
  const { ROUTE_ARCHETYPES, resolveRoute } = await import('../config/index.js');
  const loaded = await commandConfig();
  const known = ROUTE_ARCHETYPES.find((name) => name === archetype);
  const route = known === undefined ? undefined : resolveRoute(loaded.config, known);
  if (route === undefined) {
    throw new api.InvalidArgumentError({
      parameter: '--model', value: `${ROUTE_MODEL_PREFIX}${archetype}`,
      expected: `a route of zerr.config.yaml (${loaded.files.join(', ') || 'no configuration file here'}; routes: ${Object.keys(loaded.config.routes).join(', ') || 'none'})`,
    });
  }
  const opened: ModelStack[] = [];
  const prices: string[] = [];
  const unpriced: string[] = [];
  try {
    const open = async (member: { readonly name: string; readonly uri: string }): Promise<{ name: string; model: ModelStack }> => {
      const base = await api.createLanguageModel(member.uri, { ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }) });
      const pricing = await api.modelPricingFor(member.uri, base);
      if (pricing === undefined) unpriced.push(member.name);
      else prices.push(`${member.name}: ${pricing.source}`);
      if (options.maxCostUsd !== undefined && pricing === undefined) {
        await base.close();
        throw await unpricedModelError(options.maxCostUsd, member.uri);
      }
      const model = api.createModelStack(base, stackOptions(options, pricing, true, await concurrencyOf(member.uri)));
      opened.push(model);
      return { name: member.name, model };
    };
    const mix = [];
    for (const member of route.mix) mix.push({ ...(await open(member)), weight: member.weight });
    const fallback = [];
    for (const member of route.fallback) fallback.push(await open(member));
    let router: ModelRouter;
    try {
      router = new api.ModelRouter({ route: route.archetype, mix, fallback });
    } catch (error) {
      // The router names its own options (`options.fallback.0.model`); the user wrote zerr.config.yaml.
      if (!(error instanceof api.InvalidArgumentError)) throw error;
      throw new api.InvalidArgumentError({
        parameter: `routes.${route.archetype} (${loaded.files.join(', ')})`, value: error.value,
        expected: error.message.replace(/^.*?expected /s, '').replace(/\.$/, ''), cause: error,
      });
    }
    const priceSource = prices.length === 0 ? null : `per model (${prices.join('; ')})${unpriced.length === 0 ? '' : `; unpriced: ${unpriced.join(', ')}`}`;
    return { model: api.createModelStack(router, { retry: false, timeoutMs: false }), pricing: undefined, router, priceSource };
  } catch (error) {
    await Promise.allSettled(opened.map((model) => model.close()));
    throw error;
  }
}

/** The `concurrency` zerr.config.yaml gives the model of this URI (only for models the configuration chose). */
async function concurrencyOf(uri: string): Promise<number | undefined> {
  const loaded = await commandConfig();
  const { configuredConcurrency } = await import('../config/index.js');
  return configuredConcurrency(loaded.config, uri);
}
