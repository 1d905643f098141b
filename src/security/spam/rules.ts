import type { Finding, ParsedMessage } from '../content/types.js';
import { isZip, zipEntries } from './archive.js';

/**
 * What statistics miss: facts about a message that are suspicious whatever its words.
 * Each rule reports a finding; the policy gives it its points.
 */
const EXECUTABLE = /\.(exe|scr|com|pif|bat|cmd|vbs|vbe|js|jse|wsf|wsh|hta|msi|msp|lnk|jar|ps1|psm1|cpl|reg|dll|iso|img|vhd|vhdx|appx|msix|scf|chm|xll|one)$/i;
const ARCHIVE = /\.(zip|rar|7z|gz|tgz|bz2|xz|cab|ace|arj)$/i;
const ZIP_BOMB_BYTES = 1024 * 1024 * 1024;
const ZIP_BOMB_RATIO = 200;

export function spamRules(message: ParsedMessage): Finding[] {
  const findings: Finding[] = [];
  if (!message.hasMessageId) findings.push({ check: 'rules', result: 'MISSING_MESSAGE_ID' });
  const forged = forgedDisplayName(message);
  if (forged) findings.push({ check: 'rules', result: 'FORGED_DISPLAY_NAME', detail: forged });
  for (const attachment of message.attachments) {
    const name = attachment.filename;
    if (EXECUTABLE.test(name)) {
      findings.push({ check: 'rules', result: 'EXECUTABLE_ATTACHMENT', detail: name.slice(0, 100) });
    }
    if (isZip(attachment.content)) findings.push(...zipFindings(attachment.content, name));
    else if (ARCHIVE.test(name) && isEncryptedRarOr7z(attachment.content)) {
      findings.push({ check: 'rules', result: 'ENCRYPTED_ARCHIVE', detail: name.slice(0, 100) });
    }
  }
  return findings;
}

/** A display name carrying an address at another domain than the real sender's. */
function forgedDisplayName(message: ParsedMessage): string | undefined {
  if (!message.from) return undefined;
  const shown = /[\w.+-]+@([\w-]+(?:\.[\w-]+)+)/.exec(message.from.name)?.[1]?.toLowerCase();
  if (!shown || !message.from.domain) return undefined;
  const real = message.from.domain;
  if (shown === real || shown.endsWith(`.${real}`) || real.endsWith(`.${shown}`)) return undefined;
  return `shows ${shown}, sent from ${real}`;
}

function zipFindings(content: Buffer, name: string): Finding[] {
  const entries = zipEntries(content);
  if (!entries) return [];
  const findings: Finding[] = [];
  if (entries.some((e) => e.encrypted)) {
    findings.push({ check: 'rules', result: 'ENCRYPTED_ARCHIVE', detail: name.slice(0, 100) });
  }
  const inner = entries.find((e) => EXECUTABLE.test(e.name));
  if (inner) findings.push({ check: 'rules', result: 'EXECUTABLE_IN_ARCHIVE', detail: inner.name.slice(0, 100) });
  const declared = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  const nested = entries.filter((e) => /\.zip$/i.test(e.name)).length;
  const ratio = declared / Math.max(1, content.length);
  if (declared > ZIP_BOMB_BYTES || (declared > 50 * 1024 * 1024 && ratio > ZIP_BOMB_RATIO) || nested > 10) {
    findings.push({ check: 'rules', result: 'ZIP_BOMB', detail: `${name.slice(0, 100)} declares ${declared} bytes` });
  }
  return findings;
}

/** RAR 5 with encrypted headers, RAR 4 with the encryption flag, or 7z with an AES coder. */
function isEncryptedRarOr7z(content: Buffer): boolean {
  if (content.subarray(0, 6).toString('latin1') === 'Rar!\x1a\x07') {
    if (content[6] === 0x01) return content[13] === 0x04; // RAR5: archive encryption header first
    return (content.readUInt16LE(10) & 0x80) !== 0; // RAR4 main header: password flag
  }
  if (content.subarray(0, 6).equals(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]))) {
    return content.includes(Buffer.from([0x06, 0xf1, 0x07, 0x01])); // 7zAES coder id
  }
  return false;
}
