export * from './mcp-stream-transport.ts';
export * from './grid-signing.ts';
export * from './libp2p-node.ts';
