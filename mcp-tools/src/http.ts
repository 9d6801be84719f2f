import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { createKoprogoMcpServer, type ToolsOptions } from './tools.ts';

/**
 * One MCP request over Streamable HTTP, stateless: a fresh server and transport per request (no
 * session to keep, so any instance process can answer), JSON answers instead of an SSE stream.
 * The caller authenticates and builds `opts.api` with the caller's own token.
 */
export async function handleMcpRequest(request: Request, parsedBody: unknown, opts: ToolsOptions): Promise<Response> {
  const server = createKoprogoMcpServer(opts);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request, { parsedBody });
  } finally {
    await server.close();
  }
}
