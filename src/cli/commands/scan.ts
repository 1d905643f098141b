import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { ContentVerdict } from '../../security/content/types.js';
import { configFor, globalOptions } from '../io.js';

/** The JSON shape of one scanned message (DESIGN.md, "External interface"). */
export function scanReport(file: string, verdict: ContentVerdict) {
  return {
    file,
    action: verdict.action,
    ...(verdict.reply ? { reply: verdict.reply } : {}),
    spam: verdict.spam,
    phishing: verdict.phishing,
    virus: verdict.virus,
    findings: verdict.findings,
  };
}

export function registerScanCommand(program: Command): void {
  program
    .command('scan')
    .description('show the verdict the MX would reach for messages: spam score and label, phishing, viruses, action')
    .argument('[files...]', 'RFC 822 message files; "-" or none reads one message from stdin')
    .action(async (files: string[], _options, command: Command) => {
      // loaded on use: the parser, the model and the domain tables are not needed by other commands
      const { contentDepsFromConfig } = await import('../../security/content/deps.js');
      const { scanMessage } = await import('../../security/content/scan.js');
      const deps = contentDepsFromConfig(configFor(command));
      const json = globalOptions(command).json === true;
      const inputs = files.length === 0 ? ['-'] : files;
      for (const file of inputs) {
        const raw = file === '-' ? await readAllStdin() : await readMessage(file);
        const verdict = await scanMessage(raw, deps);
        const report = scanReport(file, verdict);
        if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else process.stdout.write(`${describe(report.file, verdict)}\n`);
      }
    });
}

function describe(file: string, verdict: ContentVerdict): string {
  const lines = [`${file}: ${verdict.action} (${verdict.spam.label}, score ${verdict.spam.score.toFixed(1)})`];
  for (const finding of verdict.findings) {
    if (finding.points === 0 && finding.check !== 'antivirus') continue;
    lines.push(`  ${finding.result} ${finding.points > 0 ? '+' : ''}${finding.points} ${finding.detail ?? ''}`.trimEnd());
  }
  return lines.join('\n');
}

async function readMessage(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

async function readAllStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
