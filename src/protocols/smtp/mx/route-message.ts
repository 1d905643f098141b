import { SmtpReply } from '../../../core/errors.js';
import type { Logger } from '../../../log/logger.js';
import type { ArcChainState } from '../../../mail/arc-seal.js';
import { assembleMessage, fieldName, headerFields, splitMessage } from '../../../mail/header-section.js';
import { stripForgedAuthenticationResults } from '../../../security/auth/authentication-results.js';
import type { SessionFacts } from '../../../security/pipeline/types.js';
import type { MailboxDirectory } from '../../../store/mailbox/types.js';
import type { RecipientResult } from '../outbound/types.js';
import { bodyHashOf, type DeliveryDedup } from './dedup.js';
import { type ForwardingDeps, forwardCopy } from './forward.js';

export interface RouterDeps {
  hostname: string;
  log: Logger;
  dedup: DeliveryDedup;
  /** Sealed mailbox spool (mailbox store). Absent: mailbox aliases are answered with a tempfail. */
  mailboxes?: Pick<MailboxDirectory, 'deliver'>;
  /** Encrypts a message to an alias's OpenPGP/S-MIME key, when it has one; undefined = leave as is. */
  encryptFor?: (address: string, raw: Buffer) => Promise<Buffer | undefined>;
  /** Forwarding (outbound client etc.). Absent: forwarding aliases are answered with a tempfail. */
  forwarding?: ForwardingDeps;
}

export interface AcceptedMessage {
  session: SessionFacts;
  raw: Buffer;
  /** Header fields the pipeline adds (Received-SPF, Authentication-Results…). */
  headers: string[];
  quarantine: boolean;
  arc?: ArcChainState;
}

type Outcome = Pick<RecipientResult, 'status' | 'code' | 'enhanced' | 'response'> & { target: string };

/**
 * Routing: sealed into mailboxes, forwarded in memory, bounces to SRS addresses relayed. Answers
 * success only once every copy is durable or accepted by the remote; a retried message skips the
 * copies that already went out (dedup).
 */
export async function routeMessage(deps: RouterDeps, message: AcceptedMessage): Promise<string> {
  const { session } = message;
  const prepared = prepareMessage(deps.hostname, message);
  const { header, body } = splitMessage(message.raw);
  const messageId = messageIdOf(header);
  const bodyHash = bodyHashOf(body);

  const jobs: Array<Promise<Outcome[]>> = [];
  const mailboxTargets = new Set<string>();
  // Forwarded per alias (an alias may have its own OpenPGP/S-MIME key); each target once per message.
  const forwardGroups = new Map<string, { domain: string; targets: Set<string> }>();
  const bounceGroups = new Map<string, { domain: string; targets: Set<string> }>();
  const claimed = new Set<string>();
  const claim = (groups: typeof forwardGroups, key: string, domain: string, target: string) => {
    if (claimed.has(target.toLowerCase())) return;
    claimed.add(target.toLowerCase());
    const group = groups.get(key) ?? { domain, targets: new Set<string>() };
    group.targets.add(target);
    groups.set(key, group);
  };
  for (const recipient of session.recipients) {
    const domain = recipient.address.slice(recipient.address.lastIndexOf('@') + 1).toLowerCase();
    if (recipient.srsReturn) claim(bounceGroups, domain, domain, recipient.srsReturn);
    const alias = recipient.alias;
    if (!alias) continue;
    if (alias.mailbox) mailboxTargets.add(alias.address);
    for (const target of alias.forwards) claim(forwardGroups, alias.address, alias.domain, target);
  }

  const pending = async (target: string) => {
    const key = deps.dedup.keyFor(messageId, target, bodyHash);
    return (await deps.dedup.alreadyDelivered(key)) ? undefined : key;
  };

  for (const address of mailboxTargets) {
    jobs.push(
      (async (): Promise<Outcome[]> => {
        const key = await pending(address);
        if (!key) return [];
        if (!deps.mailboxes) return [deferredLocally(address)];
        try {
          const sealed = (await deps.encryptFor?.(address, prepared)) ?? prepared;
          await deps.mailboxes.deliver(address, sealed, message.quarantine ? { folder: '\\Junk' } : {});
          await deps.dedup.remember(key);
          return [{ target: address, status: 'delivered', response: 'stored' }];
        } catch (error) {
          deps.log.error({ session: session.id, err: error }, 'mailbox delivery failed');
          return [deferredLocally(address)];
        }
      })(),
    );
  }

  const forwardJob = async (domain: string, targets: Set<string>, mailFrom: string, raw: Buffer) => {
    const keys = new Map<string, string>();
    for (const target of targets) {
      const key = await pending(target);
      if (key) keys.set(target, key);
    }
    if (keys.size === 0) return [];
    if (!deps.forwarding) return [...keys.keys()].map(deferredLocally);
    try {
      const results = await forwardCopy(deps.forwarding, { mailFrom, domain, targets: [...keys.keys()], raw, arc: message.arc });
      for (const result of results) {
        const key = keys.get(result.recipient);
        if (result.status === 'delivered' && key) await deps.dedup.remember(key);
      }
      return results.map((r) => ({ ...r, target: r.recipient }));
    } catch (error) {
      deps.log.error({ session: session.id, err: error }, 'forwarding failed');
      return [...keys.keys()].map(deferredLocally);
    }
  };
  const mailFrom = session.mailFrom ?? '';
  for (const [alias, { domain, targets }] of forwardGroups) {
    jobs.push(
      (async () => {
        let copy = prepared;
        try {
          copy = (await deps.encryptFor?.(alias, prepared)) ?? prepared;
        } catch (error) {
          deps.log.error({ session: session.id, err: error }, 'encryption to the alias key failed');
          return [...targets].map(deferredLocally);
        }
        return forwardJob(domain, targets, mailFrom, copy);
      })(),
    );
  }
  // A bounce to our SRS address goes back to the original sender, as a bounce (null sender).
  for (const { domain, targets } of bounceGroups.values()) jobs.push(forwardJob(domain, targets, '', prepared));

  const outcomes = (await Promise.all(jobs)).flat();
  const delivered = outcomes.filter((o) => o.status === 'delivered').length;
  deps.log.info(
    {
      session: session.id,
      delivered,
      deferred: outcomes.filter((o) => o.status === 'deferred').length,
      failed: outcomes.filter((o) => o.status === 'failed').length,
      quarantine: message.quarantine,
    },
    'message routed',
  );
  const deferred = outcomes.find((o) => o.status === 'deferred');
  if (deferred) {
    const enhanced = deferred.enhanced?.startsWith('4.') ? deferred.enhanced : '4.4.1';
    throw new SmtpReply(451, enhanced, `delivery deferred, try again later: ${redact(deferred.response, outcomes)}`);
  }
  const failed = outcomes.find((o) => o.status === 'failed');
  if (failed) {
    const enhanced = failed.enhanced?.startsWith('5.') ? failed.enhanced : '5.0.0';
    throw new SmtpReply(550, enhanced, `delivery failed: ${redact(failed.response, outcomes)}`);
  }
  return 'message accepted';
}

/** Our trace field, our authentication results (forged ones removed) and the spam flag, on top. */
function prepareMessage(hostname: string, message: AcceptedMessage): Buffer {
  const { session } = message;
  const stripped = stripForgedAuthenticationResults(message.raw, hostname).raw;
  const { header, body } = splitMessage(stripped);
  const protocol = session.secure ? 'ESMTPS' : 'ESMTP';
  const received =
    `Received: from ${session.helo || 'unknown'} (${session.clientHostname} [${session.remoteAddress}])\r\n` +
    `\tby ${hostname} (sealmail) with ${protocol} id ${session.id};\r\n\t${new Date().toUTCString()}`;
  // Our X-Spam-* verdict is the only one: the sender's own X-Spam-* fields (e.g. a forged
  // "X-Spam-Flag: NO") are dropped, and a quarantine (content junk or DMARC) always reads YES.
  const isSpamField = (field: string) => fieldName(field).startsWith('x-spam-');
  const ours = message.quarantine ? message.headers.filter((h) => fieldName(h) !== 'x-spam-flag') : message.headers;
  const flags = message.quarantine ? ['X-Spam-Flag: YES'] : [];
  const theirs = headerFields(header).filter((field) => !isSpamField(field));
  return assembleMessage([received, ...ours, ...flags], theirs, body);
}

function messageIdOf(header: Buffer): string {
  const field = headerFields(header).find((f) => fieldName(f) === 'message-id');
  return field ? field.slice(field.indexOf(':') + 1).trim() : '';
}

function deferredLocally(target: string): Outcome {
  return { target, status: 'deferred', enhanced: '4.3.0', response: 'temporary local problem' };
}

/** The remote's reason, without the forwarding targets: a sender must not learn where an alias leads. */
function redact(text: string, outcomes: Outcome[]): string {
  let line = text.replace(/[\r\n]+/g, ' ');
  for (const { target } of outcomes) line = line.split(target).join('<recipient>');
  line = line.replace(/<[^<>\s]+@[^<>\s]+>/g, '<recipient>');
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
