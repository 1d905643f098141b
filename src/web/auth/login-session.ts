import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebDeps } from '../deps.js';
import { SESSION_COOKIE, setSessionCookie } from './principal.js';

/** A new session id at every privilege change (no fixation); the previous session is ended. */
export async function startSession(deps: WebDeps, request: FastifyRequest, reply: FastifyReply, userId: string, mfaDone: boolean) {
  const previous = request.cookies[SESSION_COOKIE];
  if (previous) await deps.sessions.end(previous);
  const id = await deps.sessions.create(userId, mfaDone, deps.anonymiseIp(request.ip), request.headers['user-agent'] ?? '');
  setSessionCookie(reply, id);
}
