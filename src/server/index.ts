/**
 * @module server
 * The HTTP edge: `createServer` (Fastify app on a run service), API keys, the error table and the OpenAPI document;
 * `createModelServer`, the OpenAI-compatible server in front of one in-process model. Not part of the public entry;
 * `zerr serve`, `zerr keys` and `zerr model-server` load it.
 */
export { createServer, type ServerOptions, type RequestIdentity } from './create-server.js';
export { ApiKeyStore, resolveKeysPath, KEYS_PATH_ENV, type ApiKeyRecord } from './api-keys.js';
export { ERROR_STATUS, toWireError, type WireError } from './error-table.js';
export { openApiDocument } from './openapi.js';
export { ApiError } from './api-error.js';
export { createModelServer, DEFAULT_MODEL_SERVER_QUEUE, type ModelServerOptions } from './model-server/create-model-server.js';
export type { ServedModel } from './model-server/served-model.js';
