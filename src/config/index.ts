/**
 * @module config
 * Public entry of `zerr.config.yaml` handling (`zerr-config.ts`).
 */
export {
  ConfigValidationError, configNotes, configuredModel, linkUri, loadZerrConfig, readConfigFile, ROUTE_ARCHETYPES, userConfigFile, ZerrConfigSchema,
  type LoadedConfig, type ZerrConfig,
} from './zerr-config.js';
