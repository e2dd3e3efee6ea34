/**
 * @module server/json-body-parser
 * The server's `application/json` body parser: Fastify's own (secure-json-parse, `__proto__` and `constructor`
 * poisoning refused) behind a nesting-depth check. A body nested deeper than `maxDepth` arrays/objects is refused
 * with 400 `body_too_deep` before it is parsed, so no later step (schema validation, error messages, storage) ever
 * recurses through it; a deep body used to end as a 500 "internal error". The size limit is Fastify's `bodyLimit`
 * (413 `payload_too_large`).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';

/** Deepest array/object nesting a request body may have, by default. */
export const DEFAULT_BODY_MAX_DEPTH = 100;

/**
 * The offset (UTF-16 index) of the bracket that opens nesting level `maxDepth + 1` in JSON text, or -1 when the
 * text nests no deeper than `maxDepth`. Brackets inside strings do not count. One pass, no recursion, no parse: the
 * text need not be valid JSON (the parser judges that afterwards).
 */
export function jsonDepthExceededAt(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index += 1; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > maxDepth) return index;
    } else if (code === 0x5d || code === 0x7d) {
      depth -= 1;
    }
  }
  return -1;
}

/**
 * Replaces `app`'s `application/json` parser by Fastify's default one behind the depth check.
 * @throws nothing itself; requests get ApiError `body_too_deep` (400) for a body nested deeper than `maxDepth`.
 */
export function registerJsonBodyParser(app: FastifyInstance, options: { readonly maxDepth: number }): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    const at = jsonDepthExceededAt(text, options.maxDepth);
    if (at >= 0) {
      done(new ApiError('body_too_deep', `the JSON body nests arrays/objects deeper than ${options.maxDepth} levels (level ${options.maxDepth + 1} opens at character ${at}); send a flatter body`), undefined);
      return;
    }
    void parse(request, text, done);
  });
}
