import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkLiteralHost, publicOnlyLookup, type Resolve } from './webhooks.address.ts';

/**
 * One POST of a webhook delivery with node:http(s) rather than fetch: its `lookup` option is the
 * only way to make the socket connect to the very address that was checked (DNS rebinding), and it
 * never follows redirects. The answer body is drained and ignored; only the status code counts.
 */
export interface PostOptions { timeoutMs: number; allowPrivate: boolean; resolve?: Resolve | undefined }

export class WebhookTimeoutError extends Error {
  override name = 'TimeoutError';
}

export function postWebhook(url: string, body: string, headers: Record<string, string>, o: PostOptions): Promise<number> {
  if (!o.allowPrivate) checkLiteralHost(url);
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = request(target, {
      method: 'POST', agent: false,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      ...(o.allowPrivate ? {} : { lookup: publicOnlyLookup(o.resolve) as never }),
    }, (res) => {
      res.resume();
      res.on('end', () => { clearTimeout(timer); resolve(res.statusCode ?? 0); });
      res.on('error', (e) => { clearTimeout(timer); reject(e); });
    });
    const timer = setTimeout(() => req.destroy(new WebhookTimeoutError(`timeout after ${o.timeoutMs} ms`)), o.timeoutMs);
    req.on('error', (e) => { clearTimeout(timer); reject(e); });
    req.end(body);
  });
}
