import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db.ts';

/**
 * The access-token signing key: JWT_SECRET when configured, otherwise generated once and kept
 * in the database, so every process of the instance and every restart agree on it.
 */
export async function loadInstanceSecrets(sql: Db, config: Pick<Config, 'jwtSecret'>): Promise<{ jwtKey: Uint8Array }> {
  if (config.jwtSecret) return { jwtKey: new TextEncoder().encode(config.jwtSecret) };
  const generated = randomBytes(48).toString('base64url');
  await sql`insert into instance_secrets (name, value) values ('jwt_key', ${generated}) on conflict (name) do nothing`;
  const [row] = await sql<{ value: string }[]>`select value from instance_secrets where name = 'jwt_key'`;
  return { jwtKey: new TextEncoder().encode(row!.value) };
}
