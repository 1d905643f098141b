import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { normaliseAddress } from '../../core/address.js';
import { UsageError } from '../../core/errors.js';
import { validatePgpPublicKey } from '../../crypto/openpgp-mime.js';
import { validateSmimeCertificate } from '../../crypto/smime.js';
import { output, withControlStore } from '../io.js';

function readInput(file: string, what: string): string {
  try {
    const text = readFileSync(file === '-' ? 0 : file, 'utf8');
    if (text.length > 1_000_000) throw new UsageError(`${what} is too large`);
    return text;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${what} from ${file}`);
  }
}

/** `alias pgp` and `alias smime`: every inbound message for the alias is then encrypted to the key. */
export function registerAliasKeyCommands(alias: Command): void {
  alias
    .command('pgp')
    .description('encrypt all inbound mail for the alias to this OpenPGP public key (OpenPGP/MIME)')
    .argument('<address>', 'local@domain')
    .option('--key <file>', 'armored OpenPGP public key file ("-" for stdin)')
    .option('--remove', 'stop encrypting to OpenPGP')
    .action(async (address: string, options: { key?: string; remove?: boolean }, command: Command) => {
      const normalised = normaliseAddress(address, { allowCatchAll: true });
      if (Boolean(options.key) === Boolean(options.remove)) throw new UsageError('give either --key FILE or --remove');
      const key = options.key ? await validatePgpPublicKey(readInput(options.key, 'the key')) : undefined;
      await withControlStore(command, async (store) => {
        await store.aliasKeys.setPgp(normalised, key?.armored ?? null);
        await store.audit.record({ actor: 'cli', action: 'alias.pgp', subject: normalised, detail: { fingerprint: key?.fingerprint ?? null } });
      });
      output(
        command,
        { address: normalised, pgp: key ? { fingerprint: key.fingerprint } : null },
        key ? `${normalised}: inbound mail is encrypted to OpenPGP key ${key.fingerprint}` : `${normalised}: OpenPGP key removed`,
      );
    });

  alias
    .command('smime')
    .description('encrypt all inbound mail for the alias to this S/MIME certificate')
    .argument('<address>', 'local@domain')
    .option('--cert <file>', 'PEM certificate file ("-" for stdin)')
    .option('--remove', 'stop encrypting to S/MIME')
    .action(async (address: string, options: { cert?: string; remove?: boolean }, command: Command) => {
      const normalised = normaliseAddress(address, { allowCatchAll: true });
      if (Boolean(options.cert) === Boolean(options.remove)) throw new UsageError('give either --cert FILE or --remove');
      const cert = options.cert ? validateSmimeCertificate(readInput(options.cert, 'the certificate')) : undefined;
      await withControlStore(command, async (store) => {
        await store.aliasKeys.setSmime(normalised, cert?.pem ?? null);
        await store.audit.record({ actor: 'cli', action: 'alias.smime', subject: normalised, detail: { subject: cert?.subject ?? null } });
      });
      output(
        command,
        { address: normalised, smime: cert ? { subject: cert.subject } : null },
        cert ? `${normalised}: inbound mail is encrypted to ${cert.subject}` : `${normalised}: S/MIME certificate removed`,
      );
    });
}
