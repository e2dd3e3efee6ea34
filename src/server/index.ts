/**
 * @module server
 * The HTTP edge: `createServer` (Fastify app on a run service), API keys, the error table and the OpenAPI document.
 * Not part of the public entry; `zerr serve` and `zerr keys` load it.
 */
export { createServer, type ServerOptions, type RequestIdentity } from './create-server.js';
export { ApiKeyStore, resolveKeysPath, KEYS_PATH_ENV, type ApiKeyRecord } from './api-keys.js';
export { ERROR_STATUS, toWireError, type WireError } from './error-table.js';
export { openApiDocument } from './openapi.js';
export { ApiError } from './api-error.js';
