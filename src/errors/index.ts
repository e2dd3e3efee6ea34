/**
 * @module errors
 * Public entry of the error hierarchy.
 */
export { ZeroErrorError, type ZeroErrorErrorOptions } from './zero-error-error.js';
export { InvalidArgumentError, preview } from './invalid-argument-error.js';
export { parseOptions } from './parse-options.js';
