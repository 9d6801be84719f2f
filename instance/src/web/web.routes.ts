import { readFileSync } from 'node:fs';
import type { App } from '../platform/http.ts';

/**
 * The two assembly pages (voter and chair): static files read once at start, no build step. They
 * hold no data: everything comes over the authenticated live socket and API, so the routes are
 * public. A strict Content-Security-Policy allows only this origin's own script, style and socket.
 */

const CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' } as const;

/** URL → file under instance/src/web/. */
export const WEB_FILES: Record<string, string> = {
  '/vote': 'vote.html',
  '/chair': 'chair.html',
  '/web/vote.js': 'vote.js',
  '/web/chair.js': 'chair.js',
  '/web/common.js': 'common.js',
  '/web/web.css': 'web.css',
  '/web/icon.svg': 'icon.svg',
};

export async function webRoutes(app: App): Promise<void> {
  for (const [url, file] of Object.entries(WEB_FILES)) {
    const body = readFileSync(new URL(file, import.meta.url), 'utf8');
    const type = TYPES[file.slice(file.lastIndexOf('.') + 1) as keyof typeof TYPES];
    app.get(url, { schema: { tags: ['web'], summary: `Web page asset ${file} (public: holds no data)`, security: [], hide: true } }, async (_req, reply) =>
      reply.header('content-type', type).header('content-security-policy', CSP).header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer').header('cache-control', 'no-cache').send(body));
  }
}
