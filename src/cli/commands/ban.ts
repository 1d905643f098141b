import { isIP } from 'node:net';
import type { Command } from 'commander';
import type { Config } from '../../config/schema.js';
import { UsageError } from '../../core/errors.js';
import { Anonymiser } from '../../log/anonymise.js';
import { createLogger } from '../../log/logger.js';
import { BanRegistry } from '../../security/guard/bans.js';
import { AllowList, canonicalIp } from '../../security/guard/network.js';
import { NftablesPusher } from '../../security/guard/nftables.js';
import type { ControlStore } from '../../store/control/types.js';
import { openStateStore } from '../../store/state/open.js';
import { output, withControlStore } from '../io.js';

/**
 * `sealmail ban list|add|remove`. A ban is written to the control store's guard_bans table, which
 * every running node syncs every `[guard] ban_sync_ms` (2 s by default): that is how a ban reaches a
 * running server without a restart, also when its state is in memory. With `[state] redis` the ban
 * is also put into Redis directly and holds on every node at once.
 */
export function registerBanCommands(program: Command): void {
  const ban = program.command('ban').description('IP bans shared by every listener');

  ban
    .command('list')
    .description('list bans in force')
    .action(async (_options, command: Command) => {
      const bans = await withControlStore(command, (store) => store.bans.active());
      const rows = bans.map(({ ip, reason, actor, createdAt, expiresAt }) => ({ ip, reason, actor, createdAt, expiresAt }));
      output(command, rows, rows.map((b) => `${b.ip}\t${b.reason}\tuntil ${b.expiresAt}\tby ${b.actor}`).join('\n') || '(no bans)');
    });

  ban
    .command('add')
    .description('ban an IP address on every listener')
    .argument('<ip>', 'IPv4 or IPv6 address')
    .option('--ttl <seconds>', 'how long the ban lasts (default [guard] ban_ttl_s)')
    .option('--reason <text>', 'why (kept in the ban list and the audit log)', 'manual')
    .action(async (input: string, options: { ttl?: string; reason: string }, command: Command) => {
      const ip = parseIp(input);
      const reason = options.reason.trim().slice(0, 200) || 'manual';
      const result = await withBanRegistry(command, async (registry, config) => {
        const ttlS = options.ttl === undefined ? config.guard.ban_ttl_s : parseTtl(options.ttl);
        if (new AllowList(config.guard.allow).has(ip)) throw new UsageError(`${ip} is allow-listed ([guard] allow) and cannot be banned`);
        await registry.ban(ip, { reason, actor: 'cli', ttlS, renew: true });
        return { ip, reason, ttl_s: ttlS };
      });
      output(command, result, `banned ${ip} for ${result.ttl_s}s`);
    });

  ban
    .command('remove')
    .description('lift the ban of an IP address')
    .argument('<ip>', 'IPv4 or IPv6 address')
    .action(async (input: string, _options, command: Command) => {
      const ip = parseIp(input);
      const removed = await withBanRegistry(command, (registry) => registry.unban(ip, 'cli'));
      output(command, { ip, removed }, removed ? `unbanned ${ip}` : `${ip} was not banned`);
    });
}

async function withBanRegistry<T>(
  command: Command,
  action: (registry: BanRegistry, config: Readonly<Config>) => Promise<T>,
): Promise<T> {
  return withControlStore(command, async (control: ControlStore, config) => {
    const state = await openStateStore(config);
    const log = createLogger({ level: 'error', destination: process.stderr });
    try {
      const registry = new BanRegistry({
        state,
        bans: control.bans,
        audit: control.audit,
        allow: new AllowList(config.guard.allow),
        anonymiser: new Anonymiser(),
        log,
        nft: new NftablesPusher(config.guard.nftables, log),
      });
      return await action(registry, config);
    } finally {
      await state.close();
    }
  });
}

function parseIp(input: string): string {
  const ip = canonicalIp(input.trim());
  if (isIP(ip) === 0) throw new UsageError(`not an IP address: ${input.slice(0, 64)}`);
  return ip;
}

function parseTtl(input: string): number {
  if (!/^\d{1,9}$/.test(input) || Number(input) < 1) throw new UsageError('--ttl expects a number of seconds (at least 1)');
  return Number(input);
}
