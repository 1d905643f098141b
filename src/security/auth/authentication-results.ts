import { assembleMessage, fieldName, headerFields, splitMessage } from '../../mail/header-section.js';

/**
 * Removes every Authentication-Results field whose authserv-id is our host name (RFC 8601 §5):
 * only we may vouch for ourselves, so any such field that arrives from outside is forged.
 */
export function stripForgedAuthenticationResults(raw: Buffer, hostname: string): { raw: Buffer; removed: number } {
  const { header, body } = splitMessage(raw);
  const fields = headerFields(header);
  const ours = hostname.toLowerCase();
  const kept = fields.filter((field) => {
    if (fieldName(field) !== 'authentication-results') return true;
    const value = field.slice(field.indexOf(':') + 1).replace(/\(.*?\)/g, ' ');
    const authservId = value.trim().split(/[;\s]/)[0]?.toLowerCase() ?? '';
    return authservId !== ours;
  });
  if (kept.length === fields.length) return { raw, removed: 0 };
  return { raw: assembleMessage([], kept, body), removed: fields.length - kept.length };
}
