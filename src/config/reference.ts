import { z } from 'zod';
import { envName } from './load.js';
import { configSchema } from './schema.js';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
}

/** The reference of every config key and default, generated from the schema (docs/config.md). */
export function configReference(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const top: string[] = [];
  const sections: string[] = [];
  // A section's scalar keys first, then its sub-tables ([guard.auth]) as sections of their own.
  const section = (name: string, field: JsonSchema) => {
    const children = Object.entries(field.properties ?? {});
    sections.push(`\n## [${name}]\n`);
    if (field.description) sections.push(`${field.description}\n`);
    sections.push('| key | type | default | env | what |', '|---|---|---|---|---|');
    for (const [key, child] of children) if (!child.properties) sections.push(row(key, child, `${name}.${key}`));
    for (const [key, child] of children) if (child.properties) section(`${name}.${key}`, child);
  };
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    if (field.properties) section(name, field);
    else top.push(row(name, field, name));
  }
  return [
    '# Configuration reference',
    '',
    'Generated from `src/config/schema.ts` by `npm run docs:config`; a test fails when it is out of date.',
    'Sources, in rising precedence: the TOML file (`--config FILE`), `SEALMAIL_*` environment variables, flags.',
    'Unknown keys are errors.',
    '',
    '| key | type | default | env | what |',
    '|---|---|---|---|---|',
    ...top,
    ...sections,
    '',
  ].join('\n');
}

function row(key: string, field: JsonSchema, dotted: string): string {
  const type = field.enum ? field.enum.map((v) => JSON.stringify(v)).join(' \\| ') : typeName(field);
  const fallback = field.default === undefined ? '—' : `\`${JSON.stringify(field.default)}\``;
  return `| \`${key}\` | ${type} | ${fallback} | \`${envName(dotted)}\` | ${field.description ?? ''} |`;
}

function typeName(field: JsonSchema): string {
  if (field.anyOf) return field.anyOf.map(typeName).join(' or ');
  if (field.type === 'array') return `list of ${field.items ? typeName(field.items) : 'values'}`;
  return Array.isArray(field.type) ? field.type.join(' or ') : (field.type ?? 'value');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(configReference());
