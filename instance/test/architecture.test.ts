import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Dependency and style rules of docs/architecture.md, checked on the source text. */
const root = new URL('../../', import.meta.url).pathname;

function files(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (pattern.test(name)) out.push(p);
    }
  };
  if (existsSync(join(root, dir))) walk(join(root, dir)); // packages of later issues have no src/ yet
  return out;
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2]!);

const rel = (f: string) => relative(root, f);
const sources = (pkg: string) => files(`${pkg}/src`, /\.ts$/).filter((f) => !/\.test\.ts$/.test(f));

describe('architecture', () => {
  it('finds the sources it checks', () => {
    expect(files('instance/src', /\.domain\.ts$/).length).toBeGreaterThan(0);
    expect(sources('instance').length).toBeGreaterThan(10);
  });

  it('keeps *.domain.ts pure: no I/O, no framework, no other layer', () => {
    const impure = /^(node:|fastify|@fastify\/|postgres$|pg-boss|pino|jose|commander)|\.(repo|service|routes|jobs|plugin)\.ts$|platform\/(db|http|queue|embedded-pg|logger|migrate)\.ts$/;
    const offenders = files('instance/src', /\.domain\.ts$/).flatMap((f) =>
      importsOf(f).filter((i) => impure.test(i)).map((i) => `${rel(f)} imports ${i}`));
    expect(offenders).toEqual([]);
  });

  it('keeps protocols free of node:* and of our other packages', () => {
    const offenders = sources('protocols').flatMap((f) =>
      importsOf(f).filter((i) => i.startsWith('node:') || (i.startsWith('@koprogo/') )).map((i) => `${rel(f)} imports ${i}`));
    expect(offenders).toEqual([]);
  });

  it('lets nothing import the instance, and edge-node nothing but protocols of ours', () => {
    const pkgs = ['protocols', 'federation', 'edge-node', 'mcp-tools'];
    const offenders = pkgs.flatMap((p) => files(p, /\.ts$/).flatMap((f) =>
      importsOf(f).filter((i) => i.startsWith('@koprogo/instance') || /(^|\/)instance\//.test(i)).map((i) => `${rel(f)} imports ${i}`)));
    const edge = files('edge-node', /\.ts$/).flatMap((f) =>
      importsOf(f).filter((i) => i.startsWith('@koprogo/') && i !== '@koprogo/protocols').map((i) => `${rel(f)} imports ${i}`));
    expect([...offenders, ...edge]).toEqual([]);
  });

  it('reads the environment only in config.ts, and logs only through pino', () => {
    const env = sources('instance').filter((f) => !f.endsWith('/config.ts') && /process\.env\b/.test(readFileSync(f, 'utf8')));
    const consoleUse = ['protocols', 'instance', 'federation', 'edge-node', 'mcp-tools'].flatMap(sources)
      .filter((f) => /\bconsole\.(log|error|warn|info|debug)\(/.test(readFileSync(f, 'utf8')));
    expect(env.map(rel)).toEqual([]);
    expect(consoleUse.map(rel)).toEqual([]);
  });

  it('uses only erasable TypeScript (no enums, namespaces or parameter properties)', () => {
    const bad = sources('instance').concat(sources('protocols')).filter((f) =>
      /^\s*(export\s+)?(const\s+)?enum\s|^\s*(export\s+)?namespace\s|constructor\([^)]*\b(private|public|protected|readonly)\s/m.test(readFileSync(f, 'utf8')));
    expect(bad.map(rel)).toEqual([]);
  });
});
