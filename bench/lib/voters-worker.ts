// The 1,000 voters of bench/assembly-voting.bench.ts, in a worker thread: their sockets do not share
// the instance's event loop. Protocol with the main thread: it posts 'ready' once every socket is
// authenticated, waits for { go } (after the vote was opened), then sends every vote at once and posts the results.
import { parentPort, workerData } from 'node:worker_threads';

interface Job { url: string; tokens: string[]; choices: string[] }
const job = workerData as Job;

type Client = { ws: WebSocket; messages: any[]; waiters: Array<(m: any) => boolean> };
function open(token: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c: Client = { ws: new WebSocket(job.url), messages: [], waiters: [] };
    c.ws.addEventListener('message', (e) => {
      const m = JSON.parse(String(e.data));
      c.messages.push(m);
      c.waiters = c.waiters.filter((w) => !w(m));
      if (m.type === 'ready') resolve(c);
    });
    c.ws.addEventListener('open', () => c.ws.send(JSON.stringify({ type: 'voter', voterToken: token })));
    c.ws.addEventListener('error', () => reject(new Error('socket error')));
  });
}
const waitFor = (c: Client, pred: (m: any) => boolean) => new Promise<any>((resolve) => {
  const found = c.messages.find(pred);
  if (found) return resolve(found);
  c.waiters.push((m) => (pred(m) ? (resolve(m), true) : false));
});

const clients: Client[] = [];
for (let i = 0; i < job.tokens.length; i += 100) clients.push(...await Promise.all(job.tokens.slice(i, i + 100).map(open)));
parentPort!.postMessage({ type: 'ready' });
const { itemId } = await new Promise<{ itemId: string }>((resolve) => parentPort!.once('message', resolve));
await Promise.all(clients.map((c) => waitFor(c, (x) => x.type === 'resolution.opened')));
const acks: number[] = [];
const rejected: string[] = [];
const start = performance.now();
const pending = clients.map((c, i) => {
  const clientVoteId = `v-${i}`;
  const sentAt = performance.now();
  c.ws.send(JSON.stringify({ type: 'vote', itemId, choice: job.choices[i], clientVoteId }));
  return waitFor(c, (x) => (x.type === 'vote.ack' || x.type === 'vote.rejected') && x.clientVoteId === clientVoteId).then((x) => {
    if (x.type === 'vote.rejected') rejected.push(`${clientVoteId}: ${x.code}`);
    else acks.push(performance.now() - sentAt);
  });
});
const sendMs = performance.now() - start;
await Promise.all(pending);
const allAckedMs = performance.now() - start;
for (const c of clients) c.ws.close();
parentPort!.postMessage({ type: 'done', acks, rejected, sendMs, allAckedMs, sentAtEpoch: performance.timeOrigin + start, lastSentEpoch: performance.timeOrigin + start + sendMs });
