import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.js';
import { sessionOf } from '../auth/principal.js';
import type { Html } from './html.js';
import { layout } from './layout.js';

export function sendPage(request: FastifyRequest, reply: FastifyReply, title: string, body: Html, status = 200): FastifyReply {
  const session = sessionOf(request);
  const signedIn =
    session?.session.mfaDone === true
      ? { email: session.user.email, csrf: session.session.csrf, admin: session.user.role === 'admin' }
      : undefined;
  return reply.status(status).type('text/html; charset=utf-8').send(layout(title, body, { signedIn }));
}

const STATUS_BY_CODE: Record<string, number> = { unauthorized: 401, too_many: 429, not_found: 404, conflict: 409, forbidden: 403 };

/** A form's failure as a message and status for re-rendering; unexpected errors propagate (500, logged). */
export function formFailure(error: unknown): { message: string; status: number } {
  if (!(error instanceof AppError)) throw error;
  return { message: error.publicMessage, status: STATUS_BY_CODE[error.code] ?? 400 };
}

/** Form fields arrive as strings (or arrays when repeated); anything else counts as empty. */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}
