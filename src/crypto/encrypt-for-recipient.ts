import type { ControlStore } from '../store/control/types.js';
import { isEncrypted } from '../mail/mime-entity.js';
import { encryptOpenPgpMime } from './openpgp-mime.js';
import { encryptSmime } from './smime.js';

/**
 * For the MX (stored or forwarded mail): encrypts `raw` to the alias's OpenPGP key, else its
 * S/MIME certificate, before the message goes anywhere. A message that is already encrypted, or
 * an alias with neither, is returned unchanged. `address` is the alias (after resolve()).
 */
export async function encryptForRecipient(control: Pick<ControlStore, 'aliasKeys'>, address: string, raw: Buffer): Promise<Buffer> {
  const keys = await control.aliasKeys.get(address);
  if (!keys || isEncrypted(raw)) return raw;
  if (keys.pgpPublicKey) return encryptOpenPgpMime(raw, keys.pgpPublicKey);
  if (keys.smimeCertificate) return encryptSmime(raw, keys.smimeCertificate);
  return raw;
}
