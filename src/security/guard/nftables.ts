import { execFile } from 'node:child_process';
import { isIP } from 'node:net';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log/logger.js';

export type CommandRunner = (command: string, args: string[]) => Promise<void>;

const runNft: CommandRunner = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 5000 }, (error) => (error ? reject(error) : resolve()));
  });

/**
 * Optional (`[guard.nftables] enabled = true`, off by default): mirrors bans into nftables sets so the
 * kernel drops a banned IP before it reaches any listener. The table and sets must exist, e.g.
 *   nft add table inet sealmail
 *   nft add set inet sealmail banned4 '{ type ipv4_addr; flags timeout; }'
 *   nft add set inet sealmail banned6 '{ type ipv6_addr; flags timeout; }'
 *   nft add chain inet sealmail input '{ type filter hook input priority -10; }'
 *   nft add rule inet sealmail input ip saddr @banned4 drop
 *   nft add rule inet sealmail input ip6 saddr @banned6 drop
 * and the server needs CAP_NET_ADMIN. A failing nft call is logged; the in-app ban still holds.
 */
export class NftablesPusher {
  constructor(
    private readonly config: Config['guard']['nftables'],
    private readonly log: Logger,
    private readonly run: CommandRunner = runNft,
  ) {}

  get enabled(): boolean {
    return this.config.enabled;
  }

  async ban(ip: string, ttlS: number): Promise<void> {
    await this.element('add', ip, ` timeout ${Math.max(1, Math.ceil(ttlS))}s`);
  }

  async unban(ip: string): Promise<void> {
    await this.element('delete', ip, '');
  }

  private async element(verb: 'add' | 'delete', ip: string, suffix: string): Promise<void> {
    if (!this.config.enabled) return;
    const kind = isIP(ip);
    if (kind === 0) return;
    const set = kind === 4 ? this.config.set4 : this.config.set6;
    const args = [verb, 'element', this.config.family, this.config.table, set, `{ ${ip}${suffix} }`];
    try {
      await this.run('nft', args);
    } catch (error) {
      this.log.warn({ err: error, ip, action: verb }, 'nftables update failed');
    }
  }
}
