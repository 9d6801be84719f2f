import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import type { ConnectionGater, PrivateKey } from '@libp2p/interface';
import { ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { createLibp2p, type Libp2p } from 'libp2p';

export interface GridLibp2pOptions {
  privateKey: PrivateKey;
  /** Listen addresses; an edge node has none (it dials out from behind NAT), the instance has one. */
  listen?: string[];
  connectionGater?: ConnectionGater;
}

/** The libp2p stack of the grid (grid-design §1–2): TCP, Noise, Yamux, identify, ping. No DHT, no mDNS. */
export async function createGridLibp2p(options: GridLibp2pOptions): Promise<Libp2p<{ identify: ReturnType<ReturnType<typeof identify>>; ping: ReturnType<ReturnType<typeof ping>> }>> {
  return createLibp2p({
    privateKey: options.privateKey,
    addresses: { listen: options.listen ?? [] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() },
    ...(options.connectionGater ? { connectionGater: options.connectionGater } : {}),
  });
}
