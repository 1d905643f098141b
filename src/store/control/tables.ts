import type { Generated } from 'kysely';

/** Row shapes as stored. Booleans are 0/1 and lists JSON text, the same in SQLite and PostgreSQL. */
export interface ControlTables {
  domains: { name: string; verification_token: string; created_at: string };
  aliases: {
    address: string;
    domain: string;
    forwards: string;
    mailbox: number;
    enabled: number;
    created_at: string;
  };
  alias_keys: {
    address: string;
    pgp_public_key: string | null;
    smime_certificate: string | null;
    updated_at: string;
  };
  audit_events: {
    id: Generated<number>;
    at: string;
    actor: string;
    action: string;
    subject: string;
    detail: string;
  };
  guard_bans: {
    ip: string;
    reason: string;
    actor: string;
    created_at: string;
    expires_at: string;
    removed: number;
    updated_at: string;
  };
  dkim_keys: {
    domain: string;
    selector: string;
    algorithm: string;
    public_key: string;
    private_key: string;
    created_at: string;
    retired_at: string | null;
  };
  queue_entries: {
    id: string;
    domain: string;
    envelope: string;
    size: number;
    attempts: number;
    next_attempt_at: string;
    created_at: string;
    last_error: string | null;
  };
}
