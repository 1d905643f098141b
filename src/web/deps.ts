import type { AppContext } from '../app/context.js';
import { AliasExtras } from '../core/accounts/alias-extras.js';
import { AuthService } from '../core/accounts/auth-service.js';
import { DomainService } from '../core/accounts/domain-service.js';
import { type LoginThrottle, memoryLoginThrottle } from '../core/accounts/login-throttle.js';
import { MfaService } from '../core/accounts/mfa-service.js';
import { PasskeyService } from '../core/accounts/passkeys.js';
import { SecretBox } from '../core/accounts/secrets.js';
import { SessionManager } from '../core/accounts/sessions.js';
import { deriveKey } from '../crypto/master-key.js';
import { Anonymiser } from '../log/anonymise.js';
import { loginGuardOf } from '../security/guard/listener-hooks.js';
import type { AccountRepository } from '../store/control/account-types.js';

/** The account services the web app and API share, built once per server from the app context. */
export interface WebDeps {
  context: AppContext;
  accounts: AccountRepository;
  auth: AuthService;
  mfa: MfaService;
  passkeys: PasskeyService;
  sessions: SessionManager;
  domains: DomainService;
  aliasExtras: AliasExtras;
  anonymiseIp(ip: string): string;
}

export function buildWebDeps(context: AppContext): WebDeps {
  const { control, config } = context;
  const accounts = control.accounts;
  const box = new SecretBox(deriveKey(context.masterKey, 'account-secrets'));
  const anonymiser = new Anonymiser();
  // Stored login history keeps only the network (/24, /48), never the address.
  const anonymiseIp = (ip: string) => anonymiser.ip(ip).split('#')[0] ?? '';
  const auth = new AuthService({
    accounts,
    audit: control.audit,
    throttle: guardThrottle(context),
    codeThrottle: memoryLoginThrottle(),
    box,
    signup: config.web.signup,
    requireMfaByConfig: config.web.require_mfa,
    anonymiseIp,
  });
  const domains = new DomainService({ control, accounts, dns: context.dns, mailHost: config.hostname });
  return {
    context,
    accounts,
    auth,
    mfa: new MfaService({ accounts, audit: control.audit, auth, box, issuer: config.web.issuer }),
    passkeys: new PasskeyService({ accounts, audit: control.audit, rpName: config.web.issuer }),
    sessions: new SessionManager(accounts, { sessionHours: config.web.session_hours, idleMinutes: config.web.idle_minutes }),
    domains,
    aliasExtras: new AliasExtras({ control, mailboxes: context.mailboxes, domains }),
    anonymiseIp,
  };
}

/** Web logins meet the same guard as IMAP, POP3 and submission: growing delays, bans, per-network locks. */
function guardThrottle(context: AppContext): LoginThrottle {
  const guard = loginGuardOf(context.guard, context.log);
  const attempt = (ip: string, address: string) => ({ ip, address, protocol: 'https' });
  return {
    allowed: (ip, account) => guard.allow(attempt(ip, account)),
    failed: (ip, account) => guard.failed(attempt(ip, account)),
    succeeded: (ip, account) => guard.succeeded(attempt(ip, account)),
  };
}
