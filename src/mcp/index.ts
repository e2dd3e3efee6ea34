/**
 * @module mcp
 * The MCP edge: {@link createMcpServer} (tools and run resources over one engine, run service and store) and
 * {@link serveMcpHttp} (streamable HTTP on a local port). `zerr mcp` wires them to stdio or HTTP.
 */
export { createMcpServer, MCP_SERVER_INFO, type McpServerOptions } from './create-mcp-server.js';
export { serveMcpHttp, type McpHttpEndpoint, type ServeMcpHttpOptions } from './serve-http.js';
export { toWireError, toolError, resourceError, RESOURCE_NOT_FOUND, type WireError, type WireErrorKind } from './error-table.js';
export { ReportNotFoundError } from './report-not-found-error.js';
export { ModelRequiredError, TOOLS_WITHOUT_MODEL } from './model-required-error.js';
