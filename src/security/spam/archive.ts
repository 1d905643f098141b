/**
 * Reads a ZIP's central directory (never inflates anything): entry names, whether an entry is
 * encrypted, and the declared sizes, so a password-protected archive, an executable inside an
 * archive and a zip bomb can be recognised in constant memory. Bounded to `maxEntries`.
 */
export interface ZipEntry {
  name: string;
  encrypted: boolean;
  compressedSize: number;
  uncompressedSize: number;
}

export function isZip(content: Buffer): boolean {
  return content.length >= 4 && content.readUInt32LE(0) === 0x04034b50;
}

export function zipEntries(content: Buffer, maxEntries = 1000): ZipEntry[] | undefined {
  const eocd = findEndOfCentralDirectory(content);
  if (eocd === -1) return undefined;
  const count = content.readUInt16LE(eocd + 10);
  let offset = content.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < Math.min(count, maxEntries); i++) {
    if (offset + 46 > content.length || content.readUInt32LE(offset) !== 0x02014b50) break;
    const flags = content.readUInt16LE(offset + 8);
    const compressedSize = content.readUInt32LE(offset + 20);
    const uncompressedSize = content.readUInt32LE(offset + 24);
    const nameLength = content.readUInt16LE(offset + 28);
    const extraLength = content.readUInt16LE(offset + 30);
    const commentLength = content.readUInt16LE(offset + 32);
    const name = content.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    entries.push({ name, encrypted: (flags & 1) === 1, compressedSize, uncompressedSize });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndOfCentralDirectory(content: Buffer): number {
  // the record is 22 bytes plus a comment of at most 65535 bytes, at the very end
  const start = Math.max(0, content.length - 22 - 65535);
  for (let i = content.length - 22; i >= start; i--) {
    if (content.readUInt32LE(i) === 0x06054b50) return i;
  }
  return -1;
}
