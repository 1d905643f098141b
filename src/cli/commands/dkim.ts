import type { Command } from 'commander';
import { normaliseDomain } from '../../core/address.js';
import { NotFoundError } from '../../core/errors.js';
import { loadMasterKey } from '../../crypto/master-key.js';
import { dkimRecordValue, generateDkimKeys } from '../../mail/dkim-keys.js';
import { output, withControlStore } from '../io.js';

export function registerDkimCommands(program: Command): void {
  const dkim = program.command('dkim').description('DKIM signing keys');

  dkim
    .command('rotate')
    .description('make new RSA-2048 and Ed25519 keys; the old ones stop signing but stay published for the grace period')
    .argument('<domain>', 'a hosted domain')
    .action(async (input: string, _options, command: Command) => {
      const domain = normaliseDomain(input);
      const keys = await withControlStore(command, async (store, config) => {
        if (!(await store.domains.get(domain))) throw new NotFoundError(`domain ${domain} is not hosted here`);
        const masterKey = loadMasterKey(config.data_dir);
        let fresh: ReturnType<typeof generateDkimKeys>;
        try {
          fresh = generateDkimKeys(domain, masterKey);
        } finally {
          masterKey.fill(0);
        }
        const forgetBefore = new Date(Date.now() - config.dkim.grace_days * 86_400_000).toISOString();
        await store.dkimKeys.rotate(domain, fresh, forgetBefore);
        await store.audit.record({
          actor: 'cli',
          action: 'dkim.rotate',
          subject: domain,
          detail: { selectors: fresh.map((k) => k.selector) },
        });
        return fresh;
      });
      const records = keys.map((k) => ({
        name: `${k.selector}._domainkey.${domain}`,
        algorithm: k.algorithm,
        selector: k.selector,
        value: dkimRecordValue(k),
      }));
      output(
        command,
        { domain, keys: records },
        [`new DKIM keys for ${domain}; publish:`, ...records.map((r) => `${r.name}. IN TXT "${r.value}"`)].join('\n'),
      );
    });
}
