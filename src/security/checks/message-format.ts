import type { Stage } from '../pipeline/types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * DATA: refuses what would be parsed differently by different software: bare CR or LF (the root of
 * SMTP smuggling), an oversized header section, and header bytes that are not UTF-8 (RFC 6532).
 */
export function messageFormatStage(deps: { maxHeaderBytes: number }): Stage {
  return {
    name: 'format',
    phase: 'data',
    run({ message }) {
      if (!message) return {};
      const { raw, bodyOffset } = message;
      if (hasBareNewline(raw)) return { findings: [{ check: 'format', result: 'bare-newline' }] };
      const headerBytes = bodyOffset;
      if (headerBytes > deps.maxHeaderBytes) return { findings: [{ check: 'format', result: 'header-too-large' }] };
      if (!/^[\x21-\x39\x3b-\x7e]+:/.test(raw.subarray(0, 1000).toString('latin1'))) {
        return { findings: [{ check: 'format', result: 'no-header' }] };
      }
      try {
        utf8.decode(raw.subarray(0, headerBytes));
      } catch {
        return { findings: [{ check: 'format', result: 'header-encoding' }] };
      }
      return {};
    },
  };
}

/** True when a CR is not followed by LF or an LF is not preceded by CR. */
export function hasBareNewline(raw: Buffer): boolean {
  let index = raw.indexOf(0x0a);
  while (index >= 0) {
    if (index === 0 || raw[index - 1] !== 0x0d) return true;
    index = raw.indexOf(0x0a, index + 1);
  }
  index = raw.indexOf(0x0d);
  while (index >= 0) {
    if (raw[index + 1] !== 0x0a) return true;
    index = raw.indexOf(0x0d, index + 1);
  }
  return false;
}
