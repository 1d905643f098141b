import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Srs } from './srs.js';

const DAY = 86_400_000;

describe('SRS', () => {
  const key = randomBytes(32);
  let clock = Date.UTC(2026, 10, 29);
  const srs = new Srs({ key, maxAgeDays: 21, now: () => clock });

  it('rewrites a sender to SRS0 at the forwarding domain and reverses it', () => {
    const rewritten = srs.forward('Alice.Smith@Sender.example', 'fwd.test');
    expect(rewritten).toMatch(/^SRS0=[a-z2-7]{8}=[a-z2-7]{2}=Sender\.example=Alice\.Smith@fwd\.test$/);
    expect(srs.reverse(rewritten)).toBe('Alice.Smith@Sender.example');
    // Local parts are often lower-cased on the way back: still valid.
    expect(srs.reverse(rewritten.toLowerCase())).toBe('alice.smith@sender.example');
  });

  it('keeps the null sender null', () => {
    expect(srs.forward('', 'fwd.test')).toBe('');
  });

  it('turns an SRS0 from another forwarder into SRS1 and reverses back to that forwarder', () => {
    const other = new Srs({ key: randomBytes(32), maxAgeDays: 21, now: () => clock });
    const first = other.forward('bob@origin.example', 'hop1.example');
    const second = srs.forward(first, 'fwd.test');
    expect(second).toMatch(/^SRS1=[a-z2-7]{8}=hop1\.example==/);
    expect(srs.reverse(second)).toBe(first);
    expect(other.reverse(first)).toBe('bob@origin.example');
    // A third hop keeps the first hop's domain.
    const third = srs.forward(second, 'other.test');
    expect(srs.reverse(third)).toBe(first);
  });

  it('refuses a forged hash, a different key and a tampered address', () => {
    const rewritten = srs.forward('carol@sender.example', 'fwd.test');
    const forged = rewritten.replace(/^SRS0=[a-z2-7]{8}/, 'SRS0=aaaaaaaa');
    expect(srs.reverse(forged)).toBeUndefined();
    expect(srs.reverse(rewritten.replace('carol', 'mallory'))).toBeUndefined();
    expect(new Srs({ key: randomBytes(32), maxAgeDays: 21 }).reverse(rewritten)).toBeUndefined();
    for (const junk of ['SRS0=', 'SRS0==@x', 'SRS1=abc@x', 'srs0=a=b=c@d', 'plain@fwd.test', '']) {
      expect(srs.reverse(junk)).toBeUndefined();
    }
  });

  it('refuses an expired timestamp', () => {
    const rewritten = srs.forward('dave@sender.example', 'fwd.test');
    clock += 21 * DAY;
    expect(srs.reverse(rewritten)).toBe('dave@sender.example');
    clock += DAY;
    expect(srs.reverse(rewritten)).toBeUndefined();
  });
});
