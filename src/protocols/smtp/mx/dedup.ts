import { createHash } from 'node:crypto';
import type { StateStore } from '../../../store/state/types.js';

/**
 * Remembers which (message id, recipient, body) was already delivered, so a message that the sender
 * retries after our 451 is not delivered twice to the recipients that already got it.
 * Keys are hashes: nothing of the message or the address is stored in the state store.
 */
export class DeliveryDedup {
  constructor(
    private readonly state: StateStore | undefined,
    private readonly ttlMs: number,
  ) {}

  keyFor(messageId: string, recipient: string, bodyHash: string): string {
    const digest = createHash('sha256').update(`${messageId}\0${recipient.toLowerCase()}\0${bodyHash}`).digest('hex');
    return `mx:dedup:${digest}`;
  }

  async alreadyDelivered(key: string): Promise<boolean> {
    return (await this.state?.get(key)) !== undefined;
  }

  async remember(key: string): Promise<void> {
    await this.state?.set(key, '1', this.ttlMs);
  }
}

export function bodyHashOf(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}
