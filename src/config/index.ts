/**
 * @module config
 * Public entry of `zerr.config.yaml` handling (`zerr-config.ts`).
 */
export {
  ConfigValidationError, configNotes, configuredConcurrency, configuredModel, linkUri, loadZerrConfig, readConfigFile, resolveRoute, ROUTE_ARCHETYPES, ROUTE_MODEL_PREFIX,
  userConfigFile, ZerrConfigSchema, type LoadedConfig, type ResolvedRoute, type ZerrConfig,
} from './zerr-config.js';
