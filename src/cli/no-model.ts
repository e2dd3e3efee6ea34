/**
 * @module cli/no-model
 * The stand-in model of a command that serves without one (`zerr mcp` with no `--model`, for `verify`): every call
 * fails with ModelUnavailableError naming `--model`, so that nothing which reaches it past the tools' own check
 * (`model_required`) can pretend a model answered.
 */
import type { LanguageModel } from '../index.js';
import { loadEngineApi } from './engine-api.js';

/** How the stand-in is named in run records (`model` column) and logs. */
export const NO_MODEL_NAME = 'none';

/** A model that has no model behind it. `generate` rejects with ModelUnavailableError (`model_unavailable`). */
export async function createNoModel(command: string): Promise<LanguageModel> {
  const { ModelUnavailableError } = await loadEngineApi();
  return {
    provider: NO_MODEL_NAME,
    modelId: NO_MODEL_NAME,
    capabilities: { completionStyle: 'chat', jsonSchema: false, honoursTemperature: false },
    generate: () => Promise.reject(new ModelUnavailableError({
      provider: NO_MODEL_NAME,
      message: `no model configured: start \`zerr ${command}\` with --model <uri> (or set ZERR_MODEL) to sample code`,
    })),
    close: () => Promise.resolve(),
  };
}
