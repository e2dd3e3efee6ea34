/**
 * @module cli/cli-config
 * The commands' view of `zerr.config.yaml` (`config/zerr-config.ts`): read once per process, lazily (so that
 * `--help` loads none of it), and the precedence every command follows: a command-line flag, then the environment
 * (`ZERR_MODEL`, `ZERR_STORE`), then the configuration, then the built-in default.
 */
import type { Command } from 'commander';
import type { LoadedConfig, ZerrConfig } from '../config/index.js';

let loading: Promise<LoadedConfig> | undefined;

/**
 * The configuration for this process's working folder, read on first use.
 * @throws ConfigValidationError (`invalid_config`, exit 3) for a file that does not parse or validate.
 */
export function commandConfig(): Promise<LoadedConfig> {
  loading ??= import('../config/index.js').then(({ loadZerrConfig }) => loadZerrConfig({ cwd: process.cwd() }));
  return loading;
}

/** The model {@link chosenModel} took from the configuration (not from `--model` or `ZERR_MODEL`), if it did. */
let configuredChoice: string | undefined;

/**
 * The model URI: `--model`, else `ZERR_MODEL`, else the configuration's `coder` route (its one model's URI, or
 * `route:coder`); undefined when none.
 */
export async function chosenModel(flag: string | undefined): Promise<string | undefined> {
  const given = flag ?? process.env['ZERR_MODEL'];
  if (given !== undefined && given !== '') return given;
  const { configuredModel } = await import('../config/index.js');
  configuredChoice = configuredModel((await commandConfig()).config);
  return configuredChoice;
}

/** Whether `uri` is the model {@link chosenModel} took from the configuration (so its `concurrency` applies). */
export function isConfiguredChoice(uri: string): boolean {
  return configuredChoice !== undefined && uri === configuredChoice;
}

/**
 * The run store path of a command: `--store`, else `ZERR_STORE`, else the configuration's `defaults.store`, else the
 * built-in default (`resolveStorePath`, which keeps that order). The configuration is read only when neither the
 * flag nor the environment names the store.
 */
export async function chosenStorePath(flag: string | undefined): Promise<string> {
  const { resolveStorePath, STORE_PATH_ENV } = await import('../store/index.js');
  const named = flag !== undefined || (process.env[STORE_PATH_ENV] ?? '').trim() !== '';
  const configured = named ? undefined : (await commandConfig()).config.defaults.store;
  return resolveStorePath({ cwd: process.cwd(), path: flag, configured });
}

/**
 * An option's value: the one given on the command line, else the configuration's default (`defaults.<key>`), else
 * commander's own default (`value` as parsed).
 */
export async function optionOrConfigured<Key extends ConfiguredOption, T extends ZerrConfig['defaults'][Key]>(
  command: Command, key: Key, value: T,
): Promise<NonNullable<ZerrConfig['defaults'][Key]> | T> {
  if (command.getOptionValueSource(key) === 'cli') return value;
  return (await commandConfig()).config.defaults[key] ?? value;
}

/** The `defaults` a command option can take from the configuration. */
type ConfiguredOption = 'k' | 'maxSamples' | 'parallelism' | 'vote' | 'target';
