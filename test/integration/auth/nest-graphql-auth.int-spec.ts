import { mkdtemp, rm } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { createClient } from 'graphql-ws';
import request from 'supertest';
import WebSocket from 'ws';
import {
  DevelopmentTokenRequest,
  listApplicationOperationAccess,
  Scope,
  signDevelopmentToken,
  undeclaredOperations,
} from '@map-offline/auth';
import { tokenParts } from './support/auth-failure';
import { createAuthTestApp, RecordingLogger } from './support/auth-test-app';

interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; reason?: string; http?: unknown };
}
interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: GraphqlError[];
}

describe('AuthModule in a Nest GraphQL (Apollo) app', () => {
  let keyDirectory: string;
  let app: INestApplication;
  const logger = new RecordingLogger();
  const issuedTokens: string[] = [];

  async function token(scopes: Scope[], overrides: Partial<DevelopmentTokenRequest> = {}): Promise<string> {
    const signed = await signDevelopmentToken({
      organisationId: 'demo',
      scopes,
      subject: 'alice',
      keyDirectory,
      ...overrides,
    });
    issuedTokens.push(signed);
    return signed;
  }

  async function graphql(query: string, bearer?: string, target: INestApplication = app) {
    const call = request(target.getHttpServer()).post('/graphql').send({ query });
    const response = await (bearer === undefined ? call : call.set('Authorization', `Bearer ${bearer}`));
    return { status: response.status, body: response.body as GraphqlBody, headers: response.headers };
  }

  beforeAll(async () => {
    keyDirectory = await mkdtemp(join(tmpdir(), 'map-offline-auth-app-'));
    app = await createAuthTestApp({ keyDirectory, withAuthDriverOptions: true, logger });
  });

  afterAll(async () => {
    await app.close();
    await rm(keyDirectory, { recursive: true, force: true });
  });

  describe('GraphQL over HTTP', () => {
    it('serves the @Public health query without a token', async () => {
      const { status, body } = await graphql('{ health }');
      expect(status).toBe(200);
      expect(body).toEqual({ data: { health: 'ok' } });
    });

    it('answers 401 UNAUTHENTICATED without a token', async () => {
      const { status, body, headers } = await graphql('{ regions { id } }');
      expect(status).toBe(401);
      expect(body.data).toBeNull();
      expect(body.errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'MISSING_TOKEN' });
      expect(headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    });

    it('answers 401 for a malformed token and for a token meant for another audience', async () => {
      const malformed = await graphql('{ regions { id } }', 'not-a-jwt');
      expect(malformed.status).toBe(401);
      expect(malformed.body.errors?.[0].extensions?.reason).toBe('MALFORMED_TOKEN');
      const otherAudience = await graphql(
        '{ regions { id } }',
        await token(['cache:read'], { audience: 'another-api' }),
      );
      expect(otherAudience.status).toBe(401);
      expect(otherAudience.body.errors?.[0].extensions?.reason).toBe('WRONG_AUDIENCE');
    });

    it('answers 403 FORBIDDEN for a valid token without the scope', async () => {
      const { status, body, headers } = await graphql('{ regions { id } }', await token(['sync:read']));
      expect(status).toBe(403);
      expect(body.errors?.[0]).toMatchObject({
        message: 'missing scope(s): cache:read',
        path: ['regions'],
        extensions: { code: 'FORBIDDEN', reason: 'INSUFFICIENT_SCOPE' },
      });
      expect(headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="cache:read"');
    });

    it('answers 200 with the scope, and @CurrentPrincipal carries the organisation', async () => {
      const { status, body } = await graphql(
        '{ regions { id organisationId displayName } }',
        await token(['cache:read']),
      );
      expect(status).toBe(200);
      expect(body).toEqual({
        data: { regions: [{ id: 'region-1', organisationId: 'demo', displayName: 'HARBOUR' }] },
      });
    });

    it('guards a scoped mutation: 401, 403, then 200', async () => {
      const mutation = 'mutation { createRegion(name: "Delta") { id name organisationId } }';
      expect((await graphql(mutation)).status).toBe(401);
      expect((await graphql(mutation, await token(['cache:read']))).status).toBe(403);
      const allowed = await graphql(
        mutation,
        await token(['cache:write'], { organisationId: 'rescue-team' }),
      );
      expect(allowed.status).toBe(200);
      expect(allowed.body.data).toEqual({
        createRegion: { id: 'region-2', name: 'Delta', organisationId: 'rescue-team' },
      });
    });

    it('lets admin do everything declared', async () => {
      const admin = await token(['admin']);
      const { status, body } = await graphql('{ regions { auditNote } pendingChanges }', admin);
      expect(status).toBe(200);
      expect(body.data).toEqual({ regions: [{ auditNote: 'created by the audit test' }], pendingChanges: 3 });
    });

    it('checks a nested field that declares scopes of its own', async () => {
      const { status, body } = await graphql('{ regions { id auditNote } }', await token(['cache:read']));
      expect(status).toBe(403);
      expect(body.errors?.[0]).toMatchObject({
        path: ['regions', 0, 'auditNote'],
        extensions: { code: 'FORBIDDEN' },
      });
    });

    it('applies class-level scopes, with a method-level @Public overriding them', async () => {
      expect((await graphql('{ syncProtocolVersion }')).body).toEqual({ data: { syncProtocolVersion: '1' } });
      expect((await graphql('{ pendingChanges }')).status).toBe(401);
      expect((await graphql('{ pendingChanges }', await token(['cache:read']))).status).toBe(403);
      expect((await graphql('{ pendingChanges }', await token(['sync:read']))).body).toEqual({
        data: { pendingChanges: 3 },
      });
    });

    it('refuses an undeclared top-level field even for admin, and logs which handler lacks a declaration', async () => {
      const { status, body } = await graphql('{ undeclared }', await token(['admin']));
      expect(status).toBe(403);
      expect(body.data).toBeNull();
      expect(body.errors?.[0].message).toBe(
        'this operation declares no access rule and is refused by default',
      );
      expect(
        logger.lines.some((line) => line.startsWith('error') && line.includes('RegionResolver.undeclared')),
      ).toBe(true);
    });
  });

  describe('HTTP controllers', () => {
    it('serves a @Public route without a token', async () => {
      const response = await request(app.getHttpServer()).get('/rest/healthz');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ok' });
    });

    it('answers 401, 403 and 200 on a scoped route', async () => {
      const missing = await request(app.getHttpServer()).get('/rest/queue');
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ statusCode: 401, code: 'MISSING_TOKEN' });
      expect(missing.headers['www-authenticate']).toBe('Bearer error="invalid_token"');

      const forbidden = await request(app.getHttpServer())
        .get('/rest/queue')
        .set('Authorization', `Bearer ${await token(['cache:read'])}`);
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toMatchObject({ statusCode: 403, code: 'INSUFFICIENT_SCOPE' });

      const allowed = await request(app.getHttpServer())
        .get('/rest/queue')
        .set('Authorization', `Bearer ${await token(['queue:read'], { subject: 'bulk' })}`);
      expect(allowed.status).toBe(200);
      expect(allowed.body).toEqual({ subject: 'bulk', organisationId: 'demo' });
    });

    it('refuses an undeclared route even for admin', async () => {
      const response = await request(app.getHttpServer())
        .get('/rest/undeclared')
        .set('Authorization', `Bearer ${await token(['admin'])}`);
      expect(response.status).toBe(403);
      expect(logger.lines.some((line) => line.includes('RestController.undeclared'))).toBe(true);
    });
  });

  describe('graphql-ws subscriptions', () => {
    function subscribe(authorization: string | undefined): Promise<{ values: unknown[]; failure?: unknown }> {
      const { port } = app.getHttpServer().address() as AddressInfo;
      const client = createClient({
        url: `ws://127.0.0.1:${port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: authorization === undefined ? {} : { authorization },
        retryAttempts: 0,
      });
      const values: unknown[] = [];
      return new Promise((resolve) => {
        client.subscribe(
          { query: 'subscription { regionEvents }' },
          {
            next: (value) => values.push(value),
            error: (failure: unknown) => {
              void client.dispose();
              resolve({ values, failure });
            },
            complete: () => {
              void client.dispose();
              resolve({ values });
            },
          },
        );
      });
    }

    it('delivers events to a connection with a scoped token', async () => {
      const result = await subscribe(`Bearer ${await token(['cache:read'])}`);
      expect(result.failure).toBeUndefined();
      expect(result.values).toEqual([{ data: { regionEvents: 'region-1 created' } }]);
    });

    it('closes a connection without a valid token with 4403', async () => {
      await expect(subscribe(undefined)).resolves.toMatchObject({ failure: { code: 4403 } });
      await expect(subscribe('Bearer not-a-jwt')).resolves.toMatchObject({ failure: { code: 4403 } });
    });

    it('refuses the subscription when the token lacks the scope', async () => {
      const result = await subscribe(`Bearer ${await token(['sync:read'])}`);
      expect(result.failure).toBeUndefined();
      // graphql-ws delivers a refused subscribe as one result with errors, then completes.
      expect(result.values).toEqual([
        {
          errors: [
            expect.objectContaining({
              message: 'missing scope(s): cache:read',
              path: ['regionEvents'],
              extensions: { code: 'FORBIDDEN', reason: 'INSUFFICIENT_SCOPE' },
            }),
          ],
        },
      ]);
    });
  });

  it('lists every top-level field with its declaration, from the running app', () => {
    const operations = listApplicationOperationAccess(app.get(DiscoveryService));
    const summary = operations.map((operation) => {
      const access =
        operation.access === undefined
          ? 'UNDECLARED'
          : operation.access.kind === 'public'
            ? 'public'
            : operation.access.scopes.join(' ');
      return `${operation.operationType}.${operation.fieldName}: ${access}`;
    });
    expect(summary.sort()).toEqual(
      [
        'Mutation.createRegion: cache:write',
        'Query.health: public',
        'Query.pendingChanges: sync:read',
        'Query.regions: cache:read',
        'Query.syncProtocolVersion: public',
        'Query.undeclared: UNDECLARED',
        'Subscription.regionEvents: cache:read',
      ].sort(),
    );
    expect(
      undeclaredOperations(operations).map(
        (operation) => `${operation.resolverClass}.${operation.methodName}`,
      ),
    ).toEqual(['RegionResolver.undeclared']);
  });

  it('never logged a token', () => {
    const logs = logger.lines.join('\n');
    expect(issuedTokens.length).toBeGreaterThan(10);
    for (const issued of issuedTokens) {
      for (const part of tokenParts(issued)) expect(logs).not.toContain(part);
    }
  });

  it('needs authGraphqlDriverOptions(): with @nestjs/apollo defaults a refusal is answered 200', async () => {
    const defaultApp = await createAuthTestApp({
      keyDirectory,
      withAuthDriverOptions: false,
      logger: new RecordingLogger(),
    });
    try {
      const { status, body } = await graphql('{ regions { id } }', undefined, defaultApp);
      expect(status).toBe(200);
      expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await defaultApp.close();
    }
  });
});
