import rateLimit from '@fastify/rate-limit';
import { z } from 'zod';
import {
  ChangePasswordBody, LoginBody, Me, RefreshBody, RegisterBody, SetupBody, TokenPair, User,
} from '@koprogo/protocols';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { authenticateUser } from '../access/access.plugin.ts';
import * as repo from './auth.repo.ts';
import { changePassword, login, logout, publicUser, refresh, registerUser } from './auth.service.ts';
import { LoginThrottle } from './login-throttle.ts';
import { completeSetup, setupNeeded } from './setup.service.ts';
import { AppError } from '../../platform/errors.ts';

const tags = ['auth'];

/** Public and user-level account routes under /api/v1. */
export async function authRoutes(app: App, deps: Deps): Promise<void> {
  const throttle = new LoginThrottle(deps.config.login, deps.clock);
  const userAuth = authenticateUser(deps);

  // Each registration costs an argon2 hash: a per-address hourly limit keeps it from being a lever.
  await app.register(rateLimit, { global: false });
  app.post('/auth/register', {
    config: {
      rateLimit: {
        max: deps.config.registrationsPerHourPerAddress, timeWindow: 3_600_000,
        errorResponseBuilder: (_req, ctx) => new AppError('auth.rate_limited', 'Too many registrations from this address; try again later',
          { retryAfterSeconds: Math.ceil(ctx.ttl / 1000) }),
      },
    },
    schema: { tags, summary: 'Create an account (it holds no role until an organization admin grants one)', security: [], body: RegisterBody, response: { 201: User } },
  }, async (req, reply) => reply.status(201).send(await registerUser(deps, req.body, req.id)));

  app.post('/auth/login', {
    schema: { tags, summary: 'Log in: a short-lived access token and a rotating refresh token', security: [], body: LoginBody, response: { 200: TokenPair } },
  }, async (req) => login(deps, throttle, { ...req.body, address: req.ip }, req.id));

  app.post('/auth/refresh', {
    schema: { tags, summary: 'Exchange a refresh token for a new pair (reusing an old one ends the session)', security: [], body: RefreshBody, response: { 200: TokenPair } },
  }, async (req) => refresh(deps, req.body.refreshToken, req.id));

  app.post('/auth/logout', {
    onRequest: userAuth,
    schema: { tags, summary: 'End the current session (every refresh token of it)', response: { 204: z.null() } },
  }, async (req, reply) => {
    await logout(deps, req.user.userId, req.user.sessionId!, req.id);
    return reply.status(204).send(null);
  });

  app.get('/auth/me', {
    onRequest: userAuth,
    schema: { tags, summary: 'The current user and the roles held in each organization', response: { 200: Me } },
  }, async (req) => {
    const user = await repo.findUserById(deps.sql, req.user.userId);
    if (!user) throw new AppError('user.not_found', 'User not found');
    return { ...publicUser(user), memberships: await repo.listMemberships(deps.sql, user.id) };
  });

  app.post('/auth/password', {
    onRequest: userAuth,
    schema: { tags, summary: 'Change the password; every other session is ended', body: ChangePasswordBody, response: { 200: z.object({ sessionsEnded: z.number().int() }) } },
  }, async (req) => changePassword(deps, req.user.userId, req.user.sessionId, req.body, req.id));

  app.get('/setup', {
    schema: { tags, summary: 'Whether the instance still waits for its first administrator', security: [], response: { 200: z.object({ needed: z.boolean() }) } },
  }, async () => ({ needed: await setupNeeded(deps) }));

  app.post('/setup', {
    schema: { tags, summary: 'Create the first instance administrator with the one-time setup token', security: [], body: SetupBody, response: { 201: User } },
  }, async (req, reply) => reply.status(201).send(await completeSetup(deps, req.body, req.id)));
}
