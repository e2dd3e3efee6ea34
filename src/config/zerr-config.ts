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
 *   local: { uri: "llama-cpp:./models/coder.gguf" }
 *   cloud: { uri: "openai:gpt-4.1-mini" }
 * routes:
 *   coder: [local, cloud]        # the first model answers; later ones are the fallback chain
 * defaults: { k: 3, maxSamples: 20, parallelism: 4, vote: adaptive, target: 0.95 }
 * ```
 *
 * What reads it today: `solve`, `build`, `estimate`, `serve` and `mcp` take their model from `routes.coder` (its
 * first model) when no `--model` or `ZERR_MODEL` names one, `solve` and `build` their `k`, `maxSamples` and
 * `parallelism` from `defaults`, and `solve` its `vote` rule and `target`; every command that opens the run store takes `defaults.store`. The fallback
 * chain after a route's first model and the other archetypes' routes are validated and shown, and used once the
 * router exists (issue 16); `zerr config check` says so.
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
  })
  .strict();

/** One link of a route: a model named under `models`, or a model URI written in place. */
const RouteSchema = z.array(z.string().min(1, 'a model name or URI')).min(1, 'at least one model');

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
      for (const [index, link] of (route ?? []).entries()) {
        if (Object.hasOwn(config.models, link) || /^[a-z][a-z0-9-]*:.+/.test(link)) continue;
        const hint = closestNames(link, names, 1)[0];
        context.addIssue({
          code: 'custom', path: ['routes', archetype, index],
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

/** The URI of a route link: the named model's, or the link itself when it is a URI. */
export function linkUri(config: ZerrConfig, link: string): string {
  return config.models[link]?.uri ?? link;
}

/** The model URI the `coder` route starts with, if the configuration names one. */
export function configuredModel(config: ZerrConfig): string | undefined {
  const first = config.routes.coder?.[0];
  return first === undefined ? undefined : linkUri(config, first);
}

/** What a `zerr config check` should tell about a valid configuration: the parts that are validated but not used yet. */
export function configNotes(config: ZerrConfig): string[] {
  const notes: string[] = [];
  for (const [archetype, route] of Object.entries(config.routes)) {
    if (route === undefined) continue;
    if (archetype !== 'coder') notes.push(`routes.${archetype}: validated, not used yet (every archetype's calls go to the coder route's model until the router exists)`);
    else if (route.length > 1) notes.push(`routes.coder: ${route[0] ?? ''} answers; the fallback chain (${route.slice(1).join(', ')}) is validated, not used yet (until the router exists)`);
  }
  return notes;
}
