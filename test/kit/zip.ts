/** A ZIP with one stored entry; `flags` bit 0 = encrypted; sizes as declared. */
export function zip(name: string, options: { flags?: number; declared?: number; data?: Buffer } = {}): Buffer {
  const data = options.data ?? Buffer.from('hello');
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(options.flags ?? 0, 6);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(options.declared ?? data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(options.flags ?? 0, 8);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(options.declared ?? data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const centralOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}
