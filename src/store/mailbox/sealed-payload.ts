import type { SealedDelivery, SpecialUse } from './types.js';

/** What is sealed into the spool: the delivery options and the raw message, together. */
export interface SealedPayload {
  folder: SpecialUse;
  flags: string[];
  internalDate: string;
  raw: Buffer;
}

export function encodePayload(raw: Buffer, options: SealedDelivery = {}): Buffer {
  const meta = Buffer.from(
    JSON.stringify({
      folder: options.folder ?? '\\Inbox',
      flags: options.flags ?? [],
      internalDate: (options.internalDate ?? new Date()).toISOString(),
    }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(meta.length);
  return Buffer.concat([length, meta, raw]);
}

export function decodePayload(data: Buffer): SealedPayload {
  const length = data.readUInt32BE(0);
  const meta = JSON.parse(data.subarray(4, 4 + length).toString('utf8')) as Omit<SealedPayload, 'raw'>;
  return { ...meta, raw: data.subarray(4 + length) };
}
