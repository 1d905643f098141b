import type { Generated } from 'kysely';

/** Row shapes of migration 004 (booleans 0/1, lists JSON text, in both dialects). */
export interface AccountTables {
  users: {
    id: string;
    email: string;
    password_hash: string;
    role: string;
    totp_secret: string | null;
    totp_enabled: number;
    totp_last_counter: number | string;
    created_at: string;
  };
  recovery_codes: { user_id: string; code_hash: string; used_at: string | null };
  sessions: {
    id_hash: string;
    user_id: string;
    csrf: string;
    mfa_done: number;
    ip: string;
    user_agent: string;
    created_at: string;
    last_seen: string;
    expires_at: string;
  };
  api_tokens: {
    id: string;
    user_id: string;
    name: string;
    secret_hash: string;
    domains: string;
    created_at: string;
    last_used: string | null;
    revoked_at: string | null;
  };
  passkeys: { id: string; user_id: string; public_key: string; counter: number | string; transports: string; created_at: string };
  login_events: { id: Generated<number>; user_id: string; at: string; ip: string; method: string; ok: number };
  invites: { code_hash: string; created_by: string; expires_at: string; used_at: string | null };
  account_settings: { key: string; value: string };
  domain_owners: { domain: string; user_id: string; verified_at: string | null };
}
