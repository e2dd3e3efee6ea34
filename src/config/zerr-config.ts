/**
 * @module config/zerr-config
 * `zerr.config.yaml`: the models a user names once, the model each archetype's route starts with, and the defaults
 * of every command. Found in the project (the nearest `zerr.config.yaml` at or above the working folder, not above
 * its git root), then in the user's config folder (`$XDG_CONFIG_HOME/zerr/config.yaml`, default
 * `~/.config/zerr/config.yaml`); a project's keys win over the user's, section by section. Command-line flags and the
 * environment (`ZERR_MODEL`, `ZERR_STORE`) win over both. The project's file is the one in its root
 * (`store/state-folder.ts`: the nearest folder holding a `zerr.config.yaml` or a `.git`), parsed with `yaml` and
 * validated with zod: every problem names the file, the field, the value and what was expected.
 *
 * ```yaml
 * models:
 *   local: { uri: "llama-cpp:./models/coder.gguf", contextSize: 4096, concurrency: 2 }
 *   cloud: { uri: "openai:gpt-4.1-mini", price: { input: 0.4, output: 1.6 }, concurrency: 8 }
 * routes:
 *   coder: [local, cloud]        # the first model answers; later ones are the fallback chain
 *   # or: coder: { mix: { local: 2, cloud: 1 }, fallback: [last-resort] }   # samples drawn by weight
 * defaults: { k: 3, maxSamples: 20, parallelism: 4, vote: adaptive, target: 0.95 }
 * ```
 *
 * What reads it today: `solve`, `build`, `estimate`, `serve` and `mcp` take their model from `routes.coder` when no
 * `--model` or `ZERR_MODEL` names one - its one model, or the route itself (`route:coder`: a {@link ModelRouter} over
 * its mix and fallback chain, `llm/router/model-router.ts`), `solve` and `build` their `k`, `maxSamples` and
 * `parallelism` from `defaults`, and `solve` its `vote` rule and `target`; every command that opens the run store
 * takes `defaults.store`. The other archetypes' routes give their own models (a route's one model, or a router over
 * it): `routes.specifier` to `zerr solve "<a task in words>"`, `routes.decomposer` to `build` and `estimate`,
 * `routes.reviewer` to `solve --review`; without one, an archetype asks the coder's model. `zerr config check` says
 * which command reads each route.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ZeroErrorError } from '../errors/index.js';
import { closestNames } from '../task-spec/closest-names.js';
import { formatSpecIssues } from '../task-spec/format-issues.js';
import type { SpecIssue } from '../task-spec/spec-validation-error.js';
import { findProjectRoot, PROJECT_CONFIG_FILE } from '../store/index.js';

/** The archetypes a route may be given for (decomposition proposals, specs, code and its specialists, reviews). */
export const ROUTE_ARCHETYPES = ['decomposer', 'specifier', 'coder', 'reviewer'] as const;

const ModelNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'a model name (a letter, then letters, digits, _, . or -)');

const ModelEntrySchema = z
  .object({
    /** A model URI as `--model` takes it: `llama-cpp:<file.gguf>`, `openai:<model>?baseURL=...`, `anthropic:<model>`, `replay:<file>`. */
    uri: z.string().regex(/^[a-z][a-z0-9-]*:.+/, 'a model URI, <provider>:<target> (e.g. "openai:gpt-4.1-mini")'),
    /** Price in USD per 1,000,000 tokens (what the URI's `inputUsdPerMTok`/`outputUsdPerMTok` say): every answer is costed. */
    price: z.object({
      input: z.number().min(0, 'USD per 1,000,000 input tokens, >= 0').finite('a finite number'),
      output: z.number().min(0, 'USD per 1,000,000 output tokens, >= 0').finite('a finite number'),
    }).strict().optional(),
    /** Most calls to this model in flight at once, from this process (a server's or a key's limit). */
    concurrency: z.number().int('an integer').min(1, 'an integer >= 1').max(1024, 'at most 1024').optional(),
    /** Context size in tokens of an embedded llama.cpp model (the URI's `contextSize`); a server sets its own. */
    contextSize: z.number().int('an integer').min(256, 'at least 256 tokens').max(1_048_576, 'at most 1,048,576 tokens').optional(),
  })
  .strict()
  .superRefine((entry, context) => {
    const query = new URLSearchParams(entry.uri.split('?')[1] ?? '');
    if (entry.price !== undefined && (query.has('inputUsdPerMTok') || query.has('outputUsdPerMTok'))) {
      context.addIssue({ code: 'custom', path: ['price'], message: 'a price in one place: the URI already gives inputUsdPerMTok/outputUsdPerMTok' });
    }
    if (entry.contextSize !== undefined && !entry.uri.startsWith('llama-cpp:')) {
      context.addIssue({ code: 'custom', path: ['contextSize'], message: 'a llama-cpp model (a server or an API sets its own context size)' });
    } else if (entry.contextSize !== undefined && query.has('contextSize')) {
      context.addIssue({ code: 'custom', path: ['contextSize'], message: 'a context size in one place: the URI already gives contextSize' });
    }
  });

/** One link of a route: a model named under `models`, or a model URI written in place. */
const LinkSchema = z.string().min(1, 'a model name or URI');
/**
 * A route: a list (the first model answers, the rest is its fallback chain, in order), or a mix drawn by weight
 * with an optional fallback chain: `{ mix: { local: 2, cloud: 1 }, fallback: [last-resort] }`.
 */
const RouteSchema = z.union([
  z.array(LinkSchema).min(1, 'at least one model'),
  z.object({
    mix: z.record(LinkSchema, z.number().gt(0, 'a weight > 0').finite('a weight > 0'))
      .refine((mix) => Object.keys(mix).length > 0, 'at least one model with its weight'),
    fallback: z.array(LinkSchema).default([]),
  }).strict(),
], { error: 'a list of models (the first answers, the rest are its fallback chain) or { mix: { <model>: <weight>, ... }, fallback: [<model>, ...] }' });

/** The schema of `zerr.config.yaml` (see the module comment). Unknown keys are errors that name the allowed ones. */
export const ZerrConfigSchema = z
  .object({
    models: z.record(ModelNameSchema, ModelEntrySchema).default({}),
    routes: z.object(Object.fromEntries(ROUTE_ARCHETYPES.map((name) => [name, RouteSchema.optional()])) as Record<(typeof ROUTE_ARCHETYPES)[number], z.ZodOptional<typeof RouteSchema>>).strict().default({}),
    defaults: z
      .object({
        k: z.number().int().min(1).max(50).optional(),
        maxSamples: z.number().int().min(1).max(10_000).optional(),
        parallelism: z.number().int().min(1).max(256).optional(),
        /** Vote rule: plain first-to-ahead-by-k, or adaptive k (decision 022). */
        vote: z.enum(['first-to-ahead-by-k', 'adaptive']).optional(),
        /** Target probability that every task of a run is decided right: sets adaptive k's per-task error target. */
        target: z.number().gt(0).lt(1).optional(),
        /** Run store path; relative to the file that sets it. */
        store: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((config, context) => {
    const names = Object.keys(config.models);
    for (const [archetype, route] of Object.entries(config.routes)) {
      if (route === undefined) continue;
      const links: [string, (string | number)[]][] = Array.isArray(route)
        ? route.map((link, index) => [link, [index]])
        : [...Object.keys(route.mix).map((link): [string, (string | number)[]] => [link, ['mix', link]]), ...route.fallback.map((link, index): [string, (string | number)[]] => [link, ['fallback', index]])];
      const seen = new Set<string>();
      for (const [link, at] of links) {
        if (seen.has(link)) context.addIssue({ code: 'custom', path: ['routes', archetype, ...at], message: `a model the route does not already name (${link} is named twice)` });
        seen.add(link);
        if (Object.hasOwn(config.models, link) || /^[a-z][a-z0-9-]*:.+/.test(link)) continue;
        const hint = closestNames(link, names, 1)[0];
        context.addIssue({
          code: 'custom', path: ['routes', archetype, ...at],
          message: `a model named under models (${names.join(', ') || 'none'})${hint === undefined ? '' : ` (did you mean "${hint}"?)`} or a model URI`,
        });
      }
    }
  });

/** A validated configuration. */
export type ZerrConfig = z.output<typeof ZerrConfigSchema>;

/** The configuration of a command and the files it came from (project first). */
export interface LoadedConfig {
  readonly config: ZerrConfig;
  /** Files read, the project's before the user's; empty when neither exists (the defaults: no models, no routes). */
  readonly files: readonly string[];
}

/** A configuration file that does not parse or does not validate. Code `invalid_config`; exit 3 on the CLI. */
export class ConfigValidationError extends ZeroErrorError {
  readonly file: string;
  readonly issues: readonly SpecIssue[];

  constructor(options: { readonly file: string; readonly issues: readonly SpecIssue[] }) {
    super('invalid_config', `${options.file} is not a valid zerr configuration:\n${options.issues.map((issue) => `  ${issue.message}`).join('\n')}`);
    this.file = options.file;
    this.issues = options.issues;
  }
}

/** The user's configuration file: `$XDG_CONFIG_HOME/zerr/config.yaml` (an absolute XDG_CONFIG_HOME), else `~/.config/zerr/config.yaml`. */
export function userConfigFile(env: Readonly<Record<string, string | undefined>> = process.env, home: string = homedir()): string {
  const xdg = env['XDG_CONFIG_HOME'];
  return path.join(xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(home, '.config'), 'zerr', 'config.yaml');
}

/**
 * Reads and validates one configuration file. A relative `defaults.store` is made absolute against the file's folder.
 * @throws ConfigValidationError (`invalid_config`) naming every problem: YAML syntax (with its line), or each field.
 */
export async function readConfigFile(file: string): Promise<ZerrConfig> {
  const text = await readFile(file, 'utf8');
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    const reason = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    throw new ConfigValidationError({ file, issues: [{ path: '(root)', value: undefined, expected: 'YAML', ...(line === undefined ? {} : { line }), message: `${file}: YAML syntax error: ${reason}` }] });
  }
  const parsed = ZerrConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigValidationError({ file, issues: formatSpecIssues(file, ZerrConfigSchema, raw, parsed.error.issues) });
  const store = parsed.data.defaults.store;
  return store === undefined ? parsed.data : { ...parsed.data, defaults: { ...parsed.data.defaults, store: path.resolve(path.dirname(file), store) } };
}

/**
 * The configuration for a command started in `cwd` (see the module comment): the project's file merged over the
 * user's, section by section (`models` name by name, `routes` archetype by archetype, `defaults` key by key).
 * @throws ConfigValidationError (`invalid_config`) for a file that does not parse or validate.
 */
export async function loadZerrConfig(options: { readonly cwd: string; readonly env?: Readonly<Record<string, string | undefined>> } = { cwd: process.cwd() }): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  // The nearest folder holding a zerr.config.yaml or a .git: its configuration file, if it has one.
  const root = findProjectRoot(options.cwd);
  const projectFile = root === undefined ? undefined : path.join(root, PROJECT_CONFIG_FILE);
  const files: string[] = [];
  const layers: ZerrConfig[] = [];
  if (projectFile !== undefined && existsSync(projectFile)) {
    files.push(projectFile);
    layers.push(await readConfigFile(projectFile));
  }
  const user = userConfigFile(env);
  const userLayer = await readConfigFile(user).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (userLayer !== undefined) {
    files.push(user);
    layers.push(userLayer);
  }
  const [project, fallback] = [layers[0], layers[1]];
  const merged = project === undefined ? ZerrConfigSchema.parse({}) : fallback === undefined ? project : {
    models: { ...fallback.models, ...project.models },
    routes: { ...fallback.routes, ...project.routes },
    defaults: { ...fallback.defaults, ...project.defaults },
  };
  return { config: merged, files };
}

/**
 * The URI of a route link: the named model's, with its `price` and `contextSize` written as the URI's query
 * parameters (`inputUsdPerMTok`, `outputUsdPerMTok`, `contextSize`), or the link itself when it is a URI.
 */
export function linkUri(config: ZerrConfig, link: string): string {
  const entry = config.models[link];
  if (entry === undefined) return link;
  const extra = new URLSearchParams();
  if (entry.price !== undefined) {
    extra.set('inputUsdPerMTok', String(entry.price.input));
    extra.set('outputUsdPerMTok', String(entry.price.output));
  }
  if (entry.contextSize !== undefined) extra.set('contextSize', String(entry.contextSize));
  const query = extra.toString();
  return query === '' ? entry.uri : `${entry.uri}${entry.uri.includes('?') ? '&' : '?'}${query}`;
}

/**
 * The `concurrency` configured for the model with this URI (as {@link linkUri} writes it, or as `--model` names a
 * configured model's URI), or undefined.
 */
export function configuredConcurrency(config: ZerrConfig, uri: string): number | undefined {
  for (const [name, entry] of Object.entries(config.models)) {
    if (entry.concurrency !== undefined && (linkUri(config, name) === uri || entry.uri === uri)) return entry.concurrency;
  }
  return undefined;
}

/** A route resolved to model URIs: the mix with its weights, then the fallback chain. */
export interface ResolvedRoute {
  readonly archetype: (typeof ROUTE_ARCHETYPES)[number];
  readonly mix: readonly { readonly name: string; readonly uri: string; readonly weight: number }[];
  readonly fallback: readonly { readonly name: string; readonly uri: string }[];
}

/** The route of `archetype` with its links resolved to URIs (a list route: its first model is the mix, weight 1), or undefined. */
export function resolveRoute(config: ZerrConfig, archetype: (typeof ROUTE_ARCHETYPES)[number]): ResolvedRoute | undefined {
  const route = config.routes[archetype];
  if (route === undefined) return undefined;
  const link = (name: string): { name: string; uri: string } => ({ name, uri: linkUri(config, name) });
  if (Array.isArray(route)) {
    const [first, ...rest] = route;
    return { archetype, mix: first === undefined ? [] : [{ ...link(first), weight: 1 }], fallback: rest.map(link) };
  }
  return { archetype, mix: Object.entries(route.mix).map(([name, weight]) => ({ ...link(name), weight })), fallback: route.fallback.map(link) };
}

/** The `--model` value a route stands for: `route:<archetype>`. */
export const ROUTE_MODEL_PREFIX = 'route:';

/**
 * The model the `coder` route gives a command without `--model`: the URI of its one model, `route:coder` when it has
 * several (a mix or a fallback chain: the command builds the router), or undefined when there is no such route.
 */
export function configuredModel(config: ZerrConfig): string | undefined {
  const route = resolveRoute(config, 'coder');
  if (route === undefined) return undefined;
  const [only] = route.mix;
  return route.mix.length === 1 && route.fallback.length === 0 && only !== undefined ? only.uri : `${ROUTE_MODEL_PREFIX}coder`;
}

/** Which commands read the route of each archetype (what `zerr config check` notes). */
const ROUTE_READERS: Readonly<Record<(typeof ROUTE_ARCHETYPES)[number], string>> = {
  coder: 'every command that samples code (solve, build, estimate, serve, mcp) when no --model or ZERR_MODEL names a model',
  specifier: 'zerr solve "<a task in words>" (the specification)',
  decomposer: 'zerr build and zerr estimate (the decomposition)',
  reviewer: 'zerr solve --review (the reviewer filter)',
};

/** What a `zerr config check` should tell about a valid configuration: which command reads each route it has. */
export function configNotes(config: ZerrConfig): string[] {
  return ROUTE_ARCHETYPES.filter((archetype) => config.routes[archetype] !== undefined)
    .map((archetype) => `routes.${archetype}: read by ${ROUTE_READERS[archetype]}`);
}
