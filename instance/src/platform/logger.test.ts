import { describe, expect, it } from 'vitest';
import { errorForLog, requestForLog } from './logger.ts';

describe('log serializers', () => {
  it('keeps query strings (which can carry names) out of request lines', () => {
    expect(requestForLog({ method: 'GET', url: '/api/v1/orgs/x/persons?q=Dubois', socket: { remoteAddress: '127.0.0.1' } }))
      .toEqual({ method: 'GET', path: '/api/v1/orgs/x/persons', remoteAddress: '127.0.0.1' });
  });

  it('drops the SQL parameters of database errors but keeps the message and stack', () => {
    const err = Object.assign(new Error('duplicate key'), { code: '23505', parameters: ['marie@example.org'], args: ['marie@example.org'] });
    const logged = errorForLog(err);
    expect(JSON.stringify(logged)).not.toContain('marie@example.org');
    expect(logged).toMatchObject({ message: 'duplicate key', code: '23505' });
    expect(String(logged.stack)).toContain('duplicate key');
  });
});

describe('redaction', () => {
  it('censors credentials and contact data that code passes to the logger', async () => {
    const { createLogger } = await import('./logger.ts');
    const lines: string[] = [];
    const log = createLogger({ logLevel: 'info', logPretty: false }, { write: (l: string) => { lines.push(l); } });
    log.info({ email: 'marie@example.org', password: 'hunter2-hunter2', user: { token: 'kpg_secret', phone: '+32470000000' } }, 'event');
    const text = lines.join('');
    for (const secret of ['marie@example.org', 'hunter2-hunter2', 'kpg_secret', '+32470000000']) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0]!)).toMatchObject({ email: '[redacted]', password: '[redacted]', user: { token: '[redacted]', phone: '[redacted]' } });
  });
});
