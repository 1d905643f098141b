import type { ApiToken, Session, User } from '../../store/control/account-types.js';

/** Who is making a request: a signed-in user (session) or a script (API token scoped to domains). */
export type Principal =
  | { kind: 'session'; user: User; session: Session; rawSessionId: string }
  | { kind: 'token'; user: User; token: ApiToken };

/** Admin sessions see everything; API tokens never act as admin, whoever created them. */
export function isAdmin(principal: Principal): boolean {
  return principal.kind === 'session' && principal.user.role === 'admin';
}

/** Audit detail naming how the actor acted (the actor itself is always the account's email). */
export function viaOf(principal: Principal): Record<string, string> {
  return principal.kind === 'token' ? { via: 'token', token: principal.token.id } : { via: 'session' };
}
