export { ApiError, createApiClient, type ApiClient, type ApiClientOptions, type FetchLike } from './api-client.ts';
export { createKoprogoMcpServer, SERVER_NAME, SERVER_VERSION, type ToolsOptions } from './tools.ts';
export { handleMcpRequest } from './http.ts';
