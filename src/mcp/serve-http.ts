/**
 * @module mcp/serve-http
 * The MCP server over streamable HTTP (MCP 2025-11-25 transport) on a local port, without sessions: each POST to
 * `/mcp` gets a fresh server and transport (the SDK's stateless pattern), sharing the engine, service and store.
 * GET and DELETE answer 405 (no standalone SSE stream, no sessions to end). Binds 127.0.0.1 by default and checks
 * the Host header against it (DNS rebinding protection).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** Options of {@link serveMcpHttp}. */
export interface ServeMcpHttpOptions {
  /** Builds the MCP server for one request. */
  readonly createServer: () => McpServer;
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Interface to bind. Default `127.0.0.1`. */
  readonly host?: string;
  /** Where transport errors are reported (never stdout). Default: ignored. */
  readonly onError?: (error: unknown) => void;
}

/** A listening MCP HTTP endpoint. */
export interface McpHttpEndpoint {
  /** `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>;
}

const PATH = '/mcp';

/** Starts the endpoint; resolves once it listens. */
export async function serveMcpHttp(options: ServeMcpHttpOptions): Promise<McpHttpEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const onError = options.onError ?? (() => undefined);
  const http: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      onError(error);
      if (!response.headersSent) rpcError(response, 500, -32603, 'Internal server error');
    });
  });
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== PATH) { rpcError(response, 404, -32601, `Not found: ${path} (the MCP endpoint is ${PATH})`); return; }
    if (request.method !== 'POST') { rpcError(response, 405, -32000, 'Method not allowed: this server has no sessions (POST only).'); return; }
    const server = options.createServer();
    const transport = new StreamableHTTPServerTransport({
      // No sessionIdGenerator: stateless mode, no Mcp-Session-Id.
      enableDnsRebindingProtection: true,
      allowedHosts: [`${host}:${port()}`, `localhost:${port()}`],
    });
    response.on('close', () => {
      void transport.close().catch(onError);
      void server.close().catch(onError);
    });
    await server.connect(transport);
    await transport.handleRequest(request, response);
  };
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, host, () => { http.off('error', reject); resolve(); });
  });
  const port = (): number => (http.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port()}${PATH}`,
    port: port(),
    close: () => new Promise<void>((resolve, reject) => {
      http.close((error) => { if (error) reject(error); else resolve(); });
      http.closeAllConnections();
    }),
  };
}

function rpcError(response: ServerResponse, status: number, code: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
