import { describe, expect, it } from 'vitest';
import { configDocs, ConfigError, ENV_VARIABLES, loadConfig } from './config.ts';

describe('config', () => {
  it('has working defaults for a fresh machine (embedded database)', () => {
    const c = loadConfig({}, { stdoutIsTty: false });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.port).toBe(3000);
    expect(c.embeddedPgPort).toBe(54329);
    expect(c.dataDir).toMatch(/\.data$/);
    expect(c.testMode).toBe(false);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names the variable and what is expected when a value is bad', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT="eighty": .*number/i);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL=.*postgres/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET.*32/);
  });

  it('refuses test mode in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', KOPROGO_TEST_MODE: 'true' })).toThrow(/test mode.*refused/);
    expect(loadConfig({ NODE_ENV: 'test', KOPROGO_TEST_MODE: 'true' }).testMode).toBe(true);
  });

  it('lets command-line overrides win, and ignores absent ones', () => {
    expect(loadConfig({ PORT: '4000' }, { overrides: { PORT: '5000' } }).port).toBe(5000);
    expect(loadConfig({ PORT: '4000' }, { overrides: { PORT: undefined } }).port).toBe(4000);
    expect(() => loadConfig({ PORT: 'eighty' }, { overrides: { HOST: undefined } })).toThrow(/PORT="eighty"/);
  });

  it('documents every variable in --help and in the README', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const documented = configDocs.flatMap(([names]) => names.split(' / '));
    for (const name of ENV_VARIABLES) {
      expect(documented, name).toContain(name);
      expect(readme, name).toContain(name);
    }
  });

  it('reads TRUST_PROXY as a flag, a hop count or addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16']);
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY/);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).databaseUrl).toBeUndefined();
  });
});
