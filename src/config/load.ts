import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { type Config, configSchema } from './schema.js';

export interface LoadOptions {
  /** Path of a TOML file; absent = defaults + env + overrides only. */
  file?: string;
  /** The process environment (SEALMAIL_* keys are read). */
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, highest precedence, as dotted keys: { data_dir: '/x', 'ports.https': 0 }. */
  overrides?: Record<string, unknown>;
}

/** Environment variables that are not config keys but are read elsewhere. */
const NON_CONFIG_ENV = new Set(['SEALMAIL_MASTER_KEY', 'SEALMAIL_MASTER_KEY_FILE']);

/** Loads, merges (file < env < flags), validates and freezes the configuration. */
export function loadConfig(options: LoadOptions = {}): Readonly<Config> {
  const merged: Record<string, unknown> = options.file ? readTomlFile(options.file) : {};
  for (const [key, value] of envEntries(options.env ?? {})) setDotted(merged, key, value);
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) setDotted(merged, key, value);
  }
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(describeIssue(result.error.issues[0]));
  const config = result.data;
  config.data_dir = path.resolve(config.data_dir);
  return deepFreeze(config);
}

function readTomlFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const line = (error as { line?: number }).line;
    throw new ConfigError(`config file ${file} is not valid TOML${line ? ` (line ${line})` : ''}`);
  }
}

/** Every leaf key of the schema as a dotted path, e.g. "ports.https". */
export function configKeys(): string[] {
  const keys: string[] = [];
  const walk = (shape: Record<string, z.ZodType>, prefix: string) => {
    for (const [name, field] of Object.entries(shape)) {
      const inner = unwrap(field);
      const childShape = (inner as { shape?: Record<string, z.ZodType> }).shape;
      if (childShape) walk(childShape, `${prefix}${name}.`);
      else keys.push(`${prefix}${name}`);
    }
  };
  walk(configSchema.shape as unknown as Record<string, z.ZodType>, '');
  return keys;
}

function unwrap(field: z.ZodType): z.ZodType {
  let current = field as unknown as { def?: { innerType?: z.ZodType; in?: z.ZodType; schema?: z.ZodType } };
  for (let i = 0; i < 10; i++) {
    const next = current.def?.innerType ?? current.def?.in ?? current.def?.schema;
    if (!next) break;
    current = next as typeof current;
  }
  return current as unknown as z.ZodType;
}

export function envName(key: string): string {
  return `SEALMAIL_${key.replaceAll('.', '_').toUpperCase()}`;
}

function envEntries(env: NodeJS.ProcessEnv): Array<[string, unknown]> {
  const byName = new Map(configKeys().map((key) => [envName(key), key]));
  const entries: Array<[string, unknown]> = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('SEALMAIL_') || raw === undefined || NON_CONFIG_ENV.has(name)) continue;
    const key = byName.get(name);
    if (!key) throw new ConfigError(`unknown environment variable ${name}`);
    entries.push([key, parseEnvValue(raw)]);
  }
  return entries;
}

/** Numbers, booleans and JSON arrays are typed; anything else stays a string. */
function parseEnvValue(raw: string): unknown {
  if (/^-?\d+$/.test(raw)) return Number(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw.startsWith('[')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

function setDotted(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid configuration';
  const key = issue.path.join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length ? `${issue.path.join('.')}.` : '';
    return `unknown config key ${issue.keys.map((k) => prefix + k).join(', ')}`;
  }
  if (issue.code === 'invalid_type') return `config key ${key}: expected ${issue.expected}`;
  return `config key ${key}: ${issue.message}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
