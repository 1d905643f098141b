/** Accounts in the control store: users, MFA state, sessions, API tokens, login history, domain ownership. */

export type Role = 'admin' | 'user';

export interface User {
  id: string;
  email: string;
  passwordHash: string;
  role: Role;
  /** Sealed (see core/accounts/secret-box); undefined until enrolment starts. */
  totpSecret?: string;
  totpEnabled: boolean;
  createdAt: string;
}

export interface Session {
  idHash: string;
  userId: string;
  csrf: string;
  /** False while the password was right but the second factor is still owed. */
  mfaDone: boolean;
  ip: string;
  userAgent: string;
  createdAt: string;
  lastSeen: string;
  expiresAt: string;
}

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  secretHash: string;
  /** The only domains the token may touch. */
  domains: string[];
  createdAt: string;
  lastUsed?: string;
  revokedAt?: string;
}

/** A WebAuthn credential (passkey or security key) registered as a second factor. */
export interface Passkey {
  id: string;
  userId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  createdAt: string;
}

export interface LoginEvent {
  at: string;
  /** Already anonymised when stored. */
  ip: string;
  method: string;
  ok: boolean;
}

export interface AccountRepository {
  countUsers(): Promise<number>;
  createUser(user: Omit<User, 'totpEnabled' | 'totpSecret'>): Promise<boolean>;
  userById(id: string): Promise<User | undefined>;
  userByEmail(email: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  setPassword(userId: string, hash: string): Promise<void>;
  setTotp(userId: string, sealedSecret: string | null, enabled: boolean): Promise<void>;
  /** Atomically records a used TOTP time step; false when it (or a later one) was used already. */
  claimTotpCounter(userId: string, counter: number): Promise<boolean>;
  replaceRecoveryCodes(userId: string, hashes: string[]): Promise<void>;
  /** Marks the code used; false when it does not exist or was used already. */
  useRecoveryCode(userId: string, hash: string): Promise<boolean>;
  unusedRecoveryCodes(userId: string): Promise<number>;

  addPasskey(passkey: Passkey): Promise<void>;
  passkeys(userId: string): Promise<Passkey[]>;
  /** Records the authenticator's signature counter after a successful use. */
  updatePasskeyCounter(id: string, counter: number): Promise<void>;
  deletePasskeys(userId: string): Promise<void>;

  createSession(session: Session): Promise<void>;
  session(idHash: string): Promise<Session | undefined>;
  touchSession(idHash: string, lastSeen: string): Promise<void>;
  sessions(userId: string): Promise<Session[]>;
  deleteSession(idHash: string): Promise<void>;
  /** Logout everywhere: every session of the user, except `keep` if given. */
  deleteSessions(userId: string, keep?: string): Promise<number>;

  createToken(token: ApiToken): Promise<void>;
  token(id: string): Promise<ApiToken | undefined>;
  tokens(userId: string): Promise<ApiToken[]>;
  revokeToken(userId: string, id: string): Promise<boolean>;
  touchToken(id: string, at: string): Promise<void>;

  recordLogin(userId: string, event: LoginEvent): Promise<void>;
  logins(userId: string, limit: number): Promise<LoginEvent[]>;

  createInvite(codeHash: string, createdBy: string, expiresAt: string): Promise<void>;
  /** Consumes an unexpired invite; false when unknown, used or expired. */
  useInvite(codeHash: string, at: string): Promise<boolean>;

  setting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  setDomainOwner(domain: string, userId: string): Promise<void>;
  domainOwner(domain: string): Promise<{ userId: string; verifiedAt?: string } | undefined>;
  domainsOwnedBy(userId: string): Promise<string[]>;
  markDomainVerified(domain: string, at: string): Promise<void>;
}
