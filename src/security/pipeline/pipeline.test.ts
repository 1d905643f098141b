import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { InboundPipeline } from './pipeline.js';
import { DEFAULT_POLICY, decide, mergeVerdicts } from './policy.js';
import type { Finding, Stage, StageInput, Verdict } from './types.js';

const log = createLogger({ level: 'silent' });
const input = (): StageInput => ({
  session: { id: 's', remoteAddress: '192.0.2.1', clientHostname: 'x', helo: 'x', secure: false, recipients: [] },
  message: { raw: Buffer.from('a: b\r\n\r\n'), bodyOffset: 8, findings: [] },
});
const stage = (name: string, phase: Stage['phase'], findings: Finding[], delayMs = 0): Stage => ({
  name,
  phase,
  run: () => new Promise((resolve) => setTimeout(() => resolve({ findings, headers: [`X-${name}: 1`] }), delayMs)),
});

describe('policy', () => {
  const reject: Verdict = { action: 'reject', code: 550, enhanced: '5.7.1', text: 'no' };
  const tempfail: Verdict = { action: 'tempfail', code: 451, enhanced: '4.3.0', text: 'later' };
  const quarantine: Verdict = { action: 'quarantine', score: 6 };

  it('merges reject > tempfail > quarantine > accept, whatever the order', () => {
    expect(mergeVerdicts([{ action: 'accept' }, quarantine, tempfail, reject])).toEqual(reject);
    expect(mergeVerdicts([reject, tempfail, quarantine])).toEqual(reject);
    expect(mergeVerdicts([quarantine, tempfail])).toEqual(tempfail);
    expect(mergeVerdicts([quarantine, { action: 'quarantine', score: 9 }])).toEqual({ action: 'quarantine', score: 9 });
    expect(mergeVerdicts([])).toEqual({ action: 'accept' });
  });

  it('maps findings to verdicts from settings', () => {
    const dmarc = (policy: string): Finding => ({ check: 'dmarc', result: 'fail', data: { policy } });
    expect(decide([dmarc('reject')], DEFAULT_POLICY).verdict).toMatchObject({ action: 'reject', code: 550, enhanced: '5.7.1' });
    expect(decide([dmarc('quarantine')], DEFAULT_POLICY).verdict).toMatchObject({ action: 'quarantine' });
    expect(decide([dmarc('none')], DEFAULT_POLICY).verdict).toEqual({ action: 'accept' });
    expect(decide([dmarc('reject')], { ...DEFAULT_POLICY, dmarcEnforce: false }).verdict).toEqual({ action: 'accept' });
    // Scores alone decide nothing here: [content] thresholds are applied by the content scanner.
    expect(decide([{ check: 'spam', result: 'MODEL_SPAM', score: 20 }], DEFAULT_POLICY).verdict).toEqual({ action: 'accept' });
    expect(decide([{ check: 'content', result: 'junk', data: { score: '6' } }], DEFAULT_POLICY).verdict).toEqual({ action: 'quarantine', score: 6 });
    expect(decide([{ check: 'content', result: 'reject' }], DEFAULT_POLICY).verdict).toMatchObject({ action: 'reject', code: 554, enhanced: '5.7.1' });
    expect(decide([{ check: 'content', result: 'tempfail' }], DEFAULT_POLICY).verdict).toMatchObject({ action: 'tempfail', code: 451, enhanced: '4.7.1' });
    const virus = decide([{ check: 'antivirus', result: 'FOUND' }, { check: 'content', result: 'reject' }], DEFAULT_POLICY).verdict;
    expect(virus).toMatchObject({ action: 'reject', code: 554, enhanced: '5.7.1', text: expect.stringContaining('virus') });
    expect(decide([{ check: 'recipient', result: 'unknown' }], DEFAULT_POLICY).verdict).toMatchObject({ enhanced: '5.1.1' });
  });
});

describe('pipeline', () => {
  it('runs a phase concurrently but lists findings and headers in registration order', async () => {
    const pipeline = new InboundPipeline(
      [stage('slow', 'data', [{ check: 'slow', result: 'ok' }], 30), stage('fast', 'data', [{ check: 'fast', result: 'ok' }])],
      DEFAULT_POLICY,
      log,
    );
    const run = input();
    const decision = await pipeline.run('data', run);
    expect(decision.findings.map((f) => f.check)).toEqual(['slow', 'fast']);
    expect(decision.headers).toEqual(['X-slow: 1', 'X-fast: 1']);
    expect(run.message?.findings.map((f) => f.check)).toEqual(['slow', 'fast']);
  });

  it('turns a throwing stage into a tempfail, and stops at the first refusing phase', async () => {
    const broken: Stage = { name: 'broken', phase: 'content', run: () => Promise.reject(new Error('boom')) };
    const never = stage('never', 'routing', [{ check: 'never', result: 'ok' }]);
    const pipeline = new InboundPipeline([broken, never], DEFAULT_POLICY, log);
    const decision = await pipeline.runAll(['data', 'content', 'routing'], input());
    expect(decision.verdict).toMatchObject({ action: 'tempfail', code: 451 });
    expect(decision.findings.map((f) => f.check)).toEqual(['broken']);
  });

  it('keeps a quarantine from an earlier phase unless a later one refuses', async () => {
    const pipeline = new InboundPipeline(
      [stage('auth', 'authentication', [{ check: 'dmarc', result: 'fail', data: { policy: 'quarantine' } }]), stage('ok', 'content', [])],
      DEFAULT_POLICY,
      log,
    );
    expect((await pipeline.runAll(['authentication', 'content'], input())).verdict.action).toBe('quarantine');
  });
});
