import type { Logger } from '../../log/logger.js';
import { decide, mergeVerdicts, type PolicySettings } from './policy.js';
import type { Decision, Finding, Phase, Stage, StageInput, StageResult, Verdict } from './types.js';

/**
 * Runs the stages registered for a phase. The stages of one phase run concurrently; their findings
 * are merged in registration order, so the decision never depends on timing.
 * A stage that throws reports `{check: name, result: 'error'}`, which the policy turns into a tempfail.
 */
export class InboundPipeline {
  private readonly byPhase = new Map<Phase, Stage[]>();

  constructor(
    stages: readonly Stage[],
    private readonly policy: PolicySettings,
    private readonly log: Logger,
  ) {
    for (const stage of stages) {
      const list = this.byPhase.get(stage.phase) ?? [];
      list.push(stage);
      this.byPhase.set(stage.phase, list);
    }
  }

  stagesOf(phase: Phase): readonly Stage[] {
    return this.byPhase.get(phase) ?? [];
  }

  async run(phase: Phase, input: StageInput): Promise<Decision> {
    const stages = this.stagesOf(phase);
    const results = await Promise.all(stages.map((stage) => this.runStage(stage, input)));
    const findings: Finding[] = results.flatMap((r) => r.findings ?? []);
    const headers = results.flatMap((r) => r.headers ?? []);
    input.message?.findings.push(...findings);
    return decide(findings, this.policy, headers);
  }

  /** Runs several phases in order, stopping at the first reject or tempfail; headers and findings accumulate. */
  async runAll(phases: Phase[], input: StageInput): Promise<Decision> {
    const headers: string[] = [];
    const findings: Finding[] = [];
    const verdicts: Verdict[] = [];
    for (const phase of phases) {
      const decision = await this.run(phase, input);
      headers.push(...decision.headers);
      findings.push(...decision.findings);
      verdicts.push(decision.verdict);
      if (decision.verdict.action === 'reject' || decision.verdict.action === 'tempfail') break;
    }
    return { verdict: mergeVerdicts(verdicts), headers, findings };
  }

  private async runStage(stage: Stage, input: StageInput): Promise<StageResult> {
    try {
      return await stage.run(input);
    } catch (error) {
      this.log.error({ stage: stage.name, err: error, session: input.session.id }, 'pipeline stage failed');
      return { findings: [{ check: stage.name, result: 'error' }] };
    }
  }
}
