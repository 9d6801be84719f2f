import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/support/test-app.ts';
import { WEB_FILES } from './web.routes.ts';

const { app } = await createTestApp();

describe('web pages', () => {
  it('serves every page and asset publicly, typed, under a strict Content-Security-Policy', async () => {
    const types: Record<string, string> = { html: 'text/html', js: 'text/javascript', css: 'text/css', svg: 'image/svg+xml' };
    for (const [url, file] of Object.entries(WEB_FILES)) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain(types[file.split('.').pop()!]);
      const csp = String(res.headers['content-security-policy']);
      for (const rule of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) expect(csp, url).toContain(rule);
      expect(csp, url).not.toContain('unsafe');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('loads the scripts it names and nothing from elsewhere', async () => {
    for (const page of ['/vote', '/chair']) {
      const html = (await app.inject({ method: 'GET', url: page })).body;
      const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(refs.length, page).toBeGreaterThan(1);
      for (const ref of refs) expect(Object.keys(WEB_FILES), `${page} → ${ref}`).toContain(ref);
      expect(html, page).not.toMatch(/<script(?![^>]*\ssrc=)|<style|\sstyle="|\son\w+="/); // no inline script or style: the CSP would refuse them
    }
  });

  it('answers an unknown asset with the JSON 404 of the API', async () => {
    const res = await app.inject({ method: 'GET', url: '/web/nope.js' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBeTypeOf('string');
  });
});
