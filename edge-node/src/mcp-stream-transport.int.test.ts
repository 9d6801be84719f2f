import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Connection, Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { GRID_MAX_FRAME_BYTES, GRID_MCP_PROTOCOL } from '@koprogo/protocols';
import type { Libp2p } from 'libp2p';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGridLibp2p } from './libp2p-node.ts';
import { McpStreamTransport } from './mcp-stream-transport.ts';

/** Two real libp2p nodes on loopback: the "instance" listens, the "node" dials it and serves MCP. */
let instance: Libp2p;
let node: Libp2p;
let connection: Connection;
const serverFaults: Array<string | undefined> = [];
const serverCloses: number[] = [];
const serverErrors: number[] = [];

function serveMcp(stream: Stream) {
  const server = new McpServer({ name: 'test-node', version: '0.0.0' });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  server.registerTool('slow', { inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      extra.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); });
    });
    return { content: [{ type: 'text', text: extra.signal.aborted ? 'aborted' : 'done' }] };
  });
  const transport = new McpStreamTransport(stream);
  let closes = 0;
  let errors = 0;
  transport.onclose = () => { closes += 1; };
  transport.onerror = () => { errors += 1; };
  stream.addEventListener('close', () => setTimeout(() => { serverFaults.push(transport.fault); serverCloses.push(closes); serverErrors.push(errors); }, 20));
  void server.connect(transport);
}

async function openClient() {
  const stream = await connection.newStream(GRID_MCP_PROTOCOL);
  const transport = new McpStreamTransport(stream);
  const client = new Client({ name: 'test-instance', version: '0.0.0' });
  await client.connect(transport);
  return { client, transport, stream };
}

beforeAll(async () => {
  instance = await createGridLibp2p({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'] });
  node = await createGridLibp2p({ privateKey: await generateKeyPair('Ed25519') });
  await node.handle(GRID_MCP_PROTOCOL, (stream) => serveMcp(stream), { maxInboundStreams: 8 });
  await node.dial(instance.getMultiaddrs()[0]!);
  for (let i = 0; i < 200 && instance.getConnections(node.peerId).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  connection = instance.getConnections(node.peerId)[0]!;
});

afterAll(async () => {
  await node?.stop();
  await instance?.stop();
});

describe('McpStreamTransport over a libp2p stream', () => {
  it('carries initialize and a tool call both ways, then closes once on each side', async () => {
    const { client, stream } = await openClient();
    const result = await client.callTool({ name: 'echo', arguments: { text: 'bonjour {{OWNER_NAME}}' } });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: 'text', text: 'bonjour {{OWNER_NAME}}' }]);
    const bad = await client.callTool({ name: 'echo', arguments: { text: 42 } });
    expect(bad.isError).toBe(true);
    let clientCloses = 0;
    client.onclose = () => { clientCloses += 1; };
    const before = serverCloses.length;
    await client.close();
    expect(clientCloses).toBe(1);
    await expect.poll(() => stream.status).toBe('closed');
    await expect.poll(() => serverCloses.length).toBe(before + 1);
    expect(serverCloses.at(-1)).toBe(1);
    expect(serverFaults.at(-1)).toBeUndefined();
  });

  it('passes cancellation to the tool through extra.signal', async () => {
    const { client } = await openClient();
    const controller = new AbortController();
    const call = client.callTool({ name: 'slow', arguments: { ms: 10_000 } }, undefined, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by the syndic')), 50);
    await expect(call).rejects.toThrow(/cancelled by the syndic/);
    await client.close();
  });

  it('resets the stream on an over-size frame and records the fault', async () => {
    const stream = await connection.newStream(GRID_MCP_PROTOCOL);
    const lp = lpStream(stream);
    const closed = new Promise<void>((resolve) => stream.addEventListener('close', () => resolve(), { once: true }));
    await lp.write(new Uint8Array(GRID_MAX_FRAME_BYTES + 1).fill(0x20));
    await closed;
    expect(stream.status).not.toBe('open');
    await expect.poll(() => serverFaults.at(-1)).toBe('frame_too_large');
    expect(serverErrors.at(-1)).toBe(1);
    expect(serverCloses.at(-1)).toBe(1);
  });

  it('resets the stream on a frame that is not JSON-RPC, and other streams keep working', async () => {
    const stream = await connection.newStream(GRID_MCP_PROTOCOL);
    const lp = lpStream(stream);
    const closed = new Promise<void>((resolve) => stream.addEventListener('close', () => resolve(), { once: true }));
    await lp.write(new TextEncoder().encode('{"jsonrpc":"2.0","id":1,'));
    await closed;
    await expect.poll(() => serverFaults.at(-1)).toBe('invalid_json');

    const other = await connection.newStream(GRID_MCP_PROTOCOL);
    const lp2 = lpStream(other);
    const closed2 = new Promise<void>((resolve) => other.addEventListener('close', () => resolve(), { once: true }));
    await lp2.write(new TextEncoder().encode('{"hello":"world"}'));
    await closed2;
    await expect.poll(() => serverFaults.at(-1)).toBe('invalid_message');

    const { client } = await openClient();
    expect((await client.callTool({ name: 'echo', arguments: { text: 'still fine' } })).content).toEqual([{ type: 'text', text: 'still fine' }]);
    await client.close();
  });

  it('ends the client transport when the remote resets the stream', async () => {
    const { client, transport } = await openClient();
    let closes = 0;
    let errors = 0;
    client.onclose = () => { closes += 1; };
    client.onerror = () => { errors += 1; };
    const call = client.callTool({ name: 'slow', arguments: { ms: 10_000 } });
    transport.stream.abort(new Error('simulated reset'));
    await expect(call).rejects.toThrow();
    expect(closes).toBe(1);
    expect(errors).toBeGreaterThanOrEqual(0);
  });
});
