import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, {
  type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type RawServerDefault,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors, isResponseSerializationError, jsonSchemaTransform,
  serializerCompiler, validatorCompiler, type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { AppError } from './errors.ts';
import { fromDatabaseError, statusForCode } from './http-errors.ts';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, FastifyBaseLogger, ZodTypeProvider>;

export interface RouteEntry { method: string; url: string; public: boolean }

declare module 'fastify' {
  interface FastifyInstance { routeTable: RouteEntry[] }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId: string };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The Fastify factory: zod schemas, OpenAPI from route schemas, and the single error handler. */
export async function createHttp(logger: Logger, opts: { version: string; bodyLimit?: number; trustProxy?: boolean | number | string[] }): Promise<App> {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    // A hop count is supported at run time (Fastify docs: "trust the nth hop"); its typings omit numbers.
    trustProxy: (opts.trustProxy ?? false) as boolean | string,
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Errors Fastify raises before routing (a malformed percent-encoding in the path…): same JSON shape.
    frameworkErrors: (err, req, reply) => {
      (reply as FastifyReply).status(400).send(errorBody(req as FastifyRequest, 'request.invalid', err.message));
    },
    // Fastify logs method, url and address; never bodies, so no password or token reaches a log.
  }).withTypeProvider<ZodTypeProvider>();

  // Every route with its method and whether it is public (schema.security = []), for the role × route test.
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const security = (route.schema as { security?: unknown[] } | undefined)?.security;
    for (const method of methods) {
      if (method !== 'HEAD') routeTable.push({ method, url: route.url, public: Array.isArray(security) && security.length === 0 });
    }
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // While shutting down, answers in flight close their keep-alive connection, so close() does not
  // wait for the clients' idle timeouts (idle connections are closed by Fastify itself).
  let draining = false;
  app.addHook('preClose', async () => { draining = true; });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (draining) reply.header('connection', 'close');
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'KoproGo instance API', version: opts.version, license: { name: 'AGPL-3.0-only' } },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Access JWT or API token (kpg_…)' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.setErrorHandler((err: FastifyError, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(errorBody(req, 'route.not_found', `No route ${req.method} ${req.url.split('?')[0]}`));
  });
  return app as unknown as App;
}

export function errorBody(req: FastifyRequest, code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }), requestId: req.id } };
}

function sendError(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({
      field: [err.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
      message: v.message,
    }));
    const first = issues[0];
    return reply.status(400).send(errorBody(req, 'request.invalid',
      first ? `Invalid ${first.field}: ${first.message}` : 'Invalid request', { issues }));
  }
  const appErr = err instanceof AppError ? err : fromDatabaseError(err);
  if (appErr) {
    const status = statusForCode(appErr.code);
    if (status === 429 && appErr.details?.retryAfterSeconds) reply.header('retry-after', String(appErr.details.retryAfterSeconds));
    return reply.status(status).send(errorBody(req, appErr.code, appErr.message, appErr.details));
  }
  // Fastify's own client errors (bad JSON, wrong content type, body too large…).
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500 && !isResponseSerializationError(err)) {
    const code = status === 413 ? 'request.too_large' : status === 415 ? 'request.unsupported_media_type' : 'request.invalid';
    return reply.status(status).send(errorBody(req, code, err.message));
  }
  req.log.error({ err }, 'unhandled error');
  return reply.status(500).send(errorBody(req, 'internal', 'Internal error; the request id identifies it in the logs'));
}
