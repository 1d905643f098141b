import { RateLimiterMemory } from 'rate-limiter-flexible';

/**
 * Brute-force brake for account logins: failures are counted per client IP and per account name.
 * Known and unknown accounts are counted alike, so the brake itself reveals nothing.
 * The server puts the shared abuse guard behind this interface for passwords (web/deps.ts);
 * the in-memory brake below caps second-factor codes per account.
 */
export interface LoginThrottle {
  /** Whether another attempt is allowed now. */
  allowed(ip: string, account: string): Promise<boolean>;
  failed(ip: string, account: string): Promise<void>;
  succeeded(ip: string, account: string): Promise<void>;
}

export function memoryLoginThrottle(limits = { perIp: 30, perAccount: 10, windowS: 900 }): LoginThrottle {
  const byIp = new RateLimiterMemory({ points: limits.perIp, duration: limits.windowS });
  const byAccount = new RateLimiterMemory({ points: limits.perAccount, duration: limits.windowS });
  const used = async (limiter: RateLimiterMemory, key: string) => (await limiter.get(key))?.consumedPoints ?? 0;
  return {
    async allowed(ip, account) {
      return (await used(byIp, ip)) < limits.perIp && (await used(byAccount, account)) < limits.perAccount;
    },
    async failed(ip, account) {
      await Promise.allSettled([byIp.consume(ip), byAccount.consume(account)]);
    },
    async succeeded(_ip, account) {
      await byAccount.delete(account);
    },
  };
}
