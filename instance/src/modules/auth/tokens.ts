import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { AppError } from '../../platform/errors.ts';

/** Opaque secrets handed to clients: only their SHA-256 is stored. */
export type OpaqueKind = 'rt' | 'kpg' | 'setup';

export function newOpaqueToken(kind: OpaqueKind): string {
  return `${kind}_${randomBytes(32).toString('base64url')}`;
}

export function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface AccessClaims { userId: string; sessionId: string }

const ISSUER = 'koprogo';

export async function signAccessToken(key: Uint8Array, claims: AccessClaims, now: Date, ttlSeconds: number): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(key);
}

export async function verifyAccessToken(key: Uint8Array, token: string, now: Date): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: now });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new Error('claims');
    return { userId: payload.sub, sessionId: payload.sid };
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw new AppError('auth.token_expired', 'The access token has expired; refresh it');
    throw new AppError('auth.token_invalid', 'The access token is not valid');
  }
}
