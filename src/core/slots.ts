import type { AgentDef } from './command.js';

/**
 * Book-keeping of what is in use: agent slots and exclusive resource tokens. The scheduler asks
 * `acquire` for a ready step and gets an agent, or nothing when the step must wait.
 */
export class Slots {
  private readonly agentLoad = new Map<string, number>();
  private readonly resourceUse = new Map<string, number>();

  constructor(
    private readonly agents: readonly AgentDef[],
    private readonly resources: Readonly<Record<string, number>>,
  ) {}

  /** An agent for the step, or undefined when it must wait; `usable` can rule agents out (open circuit breakers). */
  acquire(need: { capability: string; agent?: string; preferred?: string; resources: readonly string[] }, usable: (agent: string) => boolean = () => true): string | undefined {
    for (const r of need.resources) if ((this.resourceUse.get(r) ?? 0) >= (this.resources[r] ?? 0)) return undefined;
    const candidates = this.agents.filter(
      (a) => (need.agent === undefined || a.name === need.agent) && a.capabilities.includes(need.capability) && this.load(a.name) < a.concurrency && usable(a.name),
    );
    if (candidates.length === 0) return undefined;
    const preferred = candidates.find((a) => a.name === need.preferred);
    // Least loaded first, so work spreads across agents that share a capability.
    const agent = preferred ?? candidates.reduce((a, b) => (this.load(b.name) / b.concurrency < this.load(a.name) / a.concurrency ? b : a));
    this.agentLoad.set(agent.name, this.load(agent.name) + 1);
    for (const r of need.resources) this.resourceUse.set(r, (this.resourceUse.get(r) ?? 0) + 1);
    return agent.name;
  }

  release(agent: string, resources: readonly string[]): void {
    this.agentLoad.set(agent, Math.max(0, this.load(agent) - 1));
    for (const r of resources) this.resourceUse.set(r, Math.max(0, (this.resourceUse.get(r) ?? 0) - 1));
  }

  /** The agents that could ever serve the step, busy or not. */
  capable(need: { capability: string; agent?: string }): string[] {
    return this.agents.filter((a) => (need.agent === undefined || a.name === need.agent) && a.capabilities.includes(need.capability)).map((a) => a.name);
  }

  load(agent: string): number {
    return this.agentLoad.get(agent) ?? 0;
  }
}
