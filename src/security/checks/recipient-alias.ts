import { normaliseAddress } from '../../core/address.js';
import type { Srs } from '../../mail/srs.js';
import type { ControlStore } from '../../store/control/types.js';
import type { Stage } from '../pipeline/types.js';

/**
 * RCPT TO: which alias a recipient reaches (exact, +tag, catch-all), or whether it is a bounce to one
 * of our SRS return addresses. Writes the alias onto the recipient facts for routing.
 */
export function recipientAliasStage(deps: { control: ControlStore; srs: Srs }): Stage {
  return {
    name: 'recipient',
    phase: 'rcpt',
    async run({ recipient }) {
      if (!recipient) return {};
      let address: string;
      try {
        address = normaliseAddress(recipient.address);
      } catch {
        return { findings: [{ check: 'recipient', result: 'invalid' }] };
      }
      const domain = address.slice(address.lastIndexOf('@') + 1);
      if (!(await deps.control.domains.get(domain))) {
        return { findings: [{ check: 'recipient', result: 'relay-denied' }] };
      }
      const local = recipient.address.slice(0, recipient.address.lastIndexOf('@'));
      if (/^srs[01]=/i.test(local)) {
        const original = deps.srs.reverse(recipient.address);
        if (!original) return { findings: [{ check: 'recipient', result: 'srs-invalid' }] };
        recipient.srsReturn = original;
        return { findings: [{ check: 'recipient', result: 'srs-bounce' }] };
      }
      const alias = await deps.control.aliases.resolve(address);
      if (!alias) return { findings: [{ check: 'recipient', result: 'unknown' }] };
      if (!alias.enabled) return { findings: [{ check: 'recipient', result: 'disabled' }] };
      recipient.alias = alias;
      return { findings: [{ check: 'recipient', result: 'ok' }] };
    },
  };
}
