import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { configKeys, loadConfig } from './load.js';
import { configReference } from './reference.js';

function tomlFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sealmail-cfg-')), 'sealmail.toml');
  writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  it('gives the documented defaults', () => {
    const config = loadConfig();
    expect(config.ports).toEqual({
      smtp: 2525,
      submission: 2587,
      submissions: 2465,
      imap: 2143,
      imaps: 2993,
      pop3: 2110,
      pop3s: 2995,
      https: 8443,
    });
    expect(config.bind).toBe('127.0.0.1');
    expect(config.database.url).toBeUndefined();
    expect(config.state.redis).toBeUndefined();
    expect(path.isAbsolute(config.data_dir)).toBe(true);
    expect(Object.isFrozen(config.ports)).toBe(true);
  });

  it('merges file < env < flags', () => {
    const file = tomlFile('hostname = "mx.example.org"\n[ports]\nsmtp = 25\nhttps = 443\n[dns]\nservers = ["127.0.0.1:5353"]\n');
    const config = loadConfig({
      file,
      env: { SEALMAIL_PORTS_HTTPS: '8000', SEALMAIL_PORTS_IMAP: '0', PATH: '/bin' },
      overrides: { 'ports.https': 9000 },
    });
    expect(config.hostname).toBe('mx.example.org');
    expect(config.ports.smtp).toBe(25);
    expect(config.ports.imap).toBe(0);
    expect(config.ports.https).toBe(9000);
    expect(config.dns.servers).toEqual(['127.0.0.1:5353']);
  });

  it.each([
    ['unknown top-level key', 'colour = "red"\n', /unknown config key colour/],
    ['unknown nested key', '[ports]\nsmtpp = 25\n', /unknown config key ports\.smtpp/],
    ['wrong type', '[ports]\nsmtp = "twenty-five"\n', /config key ports\.smtp: expected number/],
    ['out of range', '[ports]\nsmtp = 70000\n', /config key ports\.smtp/],
    ['bad url', '[database]\nurl = "mysql://x"\n', /config key database\.url: expected a postgres:\/\/ URL/],
    ['cert without key', '[tls]\ncert = "/x.pem"\n', /tls\.cert and tls\.key must be given together/],
    ['not TOML', 'hostname = = "x"\n', /is not valid TOML/],
  ])('names the key and the expected form: %s', (_name, text, message) => {
    const file = tomlFile(text);
    expect(() => loadConfig({ file })).toThrow(ConfigError);
    expect(() => loadConfig({ file })).toThrow(message);
  });

  it('refuses an unknown SEALMAIL_ variable and a missing file', () => {
    expect(() => loadConfig({ env: { SEALMAIL_PORT_SMTP: '25' } })).toThrow(/unknown environment variable SEALMAIL_PORT_SMTP/);
    expect(() => loadConfig({ file: '/nonexistent/sealmail.toml' })).toThrow(/cannot read config file/);
  });

  it('has an env name for every key', () => {
    expect(configKeys()).toContain('ports.https');
    expect(configKeys()).toContain('data_dir');
    expect(loadConfig({ env: { SEALMAIL_DATA_DIR: '/tmp/x' } }).data_dir).toBe('/tmp/x');
  });

  it('keeps docs/config.md in step with the schema', () => {
    const docs = readFileSync(path.resolve(__dirname, '../../docs/config.md'), 'utf8');
    expect(docs, 'run `npm run docs:config`').toBe(configReference());
  });
});
