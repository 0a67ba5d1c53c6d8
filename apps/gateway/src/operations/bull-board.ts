import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { NestExpressApplication } from '@nestjs/platform-express';
import { NextFunction, Request, Response } from 'express';
import { AuthError, extractBearerToken, hasScopes, TokenVerifier } from '@map-offline/auth';
import { ALL_QUEUE_NAMES } from '@map-offline/contracts';
import { QueueProducer } from '@map-offline/queue';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board is plain Express, outside Nest's guards, so it gets its own check: a bearer token with the
 * admin scope, or 401/403 before any of its routes run.
 */
export function mountBullBoard(app: NestExpressApplication): void {
  const producer = app.get(QueueProducer);
  const verifier = app.get(TokenVerifier);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: ALL_QUEUE_NAMES.map((name) => new BullMQAdapter(producer.queue(name))),
    serverAdapter,
  });
  app.use(BULL_BOARD_PATH, requireAdmin(verifier), serverAdapter.getRouter());
}

function requireAdmin(verifier: TokenVerifier) {
  return (request: Request, response: Response, next: NextFunction): void => {
    verifier
      .verify(extractBearerToken(request.headers.authorization))
      .then((principal) => {
        if (!hasScopes(principal.scopes, ['admin'])) {
          response
            .status(403)
            .json({ error: 'FORBIDDEN', message: 'the queue dashboard needs the admin scope' });
          return;
        }
        next();
      })
      .catch((error: unknown) => {
        if (!(error instanceof AuthError)) return next(error);
        response.setHeader('WWW-Authenticate', 'Bearer');
        response
          .status(401)
          .json({ error: 'UNAUTHENTICATED', message: 'the queue dashboard needs a bearer token' });
      });
  };
}
