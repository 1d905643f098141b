/** Each subsystem registers a probe; /healthz runs them all and reports each by name. */
export type HealthProbe = () => Promise<Record<string, unknown> | undefined>;

export interface HealthReport {
  status: 'ok' | 'degraded';
  subsystems: Record<string, { status: 'ok' | 'failing' } & Record<string, unknown>>;
}

export class HealthRegistry {
  private readonly probes = new Map<string, HealthProbe>();

  register(name: string, probe: HealthProbe): void {
    this.probes.set(name, probe);
  }

  async report(timeoutMs = 3000): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.probes].map(async ([name, probe]) => {
        try {
          const detail = await withTimeout(probe(), timeoutMs);
          return [name, { status: 'ok' as const, ...detail }] as const;
        } catch {
          return [name, { status: 'failing' as const }] as const;
        }
      }),
    );
    const subsystems = Object.fromEntries(entries);
    const status = entries.every(([, r]) => r.status === 'ok') ? 'ok' : 'degraded';
    return { status, subsystems };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]);
}
