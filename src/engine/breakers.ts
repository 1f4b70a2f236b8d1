import { afterOutcome, startTrial, verdict, type BreakerSettings, type BreakerState } from '../core/breaker.js';
import type { EventBody } from '../core/events.js';
import type { ErrorClass } from '../core/failure.js';
import type { ResolvedStep } from '../core/planCheck.js';

/** Where breakers are kept (the store): read and written between two events. */
export interface BreakerBook {
  get(key: string): BreakerState;
  put(b: BreakerState): void;
}

export const commandKey = (step: ResolvedStep): string | undefined => (step.def ? `command:${step.def.name}` : undefined);
export const agentKey = (agent: string): string => `agent:${agent}`;

/** Breakers count failures of the infrastructure kind only: a bad argument says nothing about a service. */
const COUNTS: ReadonlySet<ErrorClass> = new Set(['transient', 'resource']);

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)}s`;
}

/**
 * The engine's view of the breakers: may a step use its command and an agent now, and what an
 * outcome does to them. Transitions come back as events for the run's log.
 */
export class Breakers {
  constructor(
    private readonly book: BreakerBook,
    private readonly settings: BreakerSettings,
    private readonly emit: (e: EventBody) => void,
  ) {}

  /** Why the step's command may not run now, or undefined (taking the half-open trial if it is due). */
  commandBlocked(step: ResolvedStep, now = Date.now()): string | undefined {
    const key = commandKey(step);
    return key === undefined ? undefined : this.pass(key, now);
  }

  agentUsable(agent: string, now = Date.now()): boolean {
    return verdict(this.book.get(agentKey(agent)), now, this.settings).pass;
  }

  /** Called once an agent was chosen, to take its trial if the breaker is open and due. */
  useAgent(agent: string, now = Date.now()): void {
    this.pass(agentKey(agent), now);
  }

  allAgentsOpen(agents: readonly string[], now = Date.now()): string | undefined {
    if (agents.length === 0 || agents.some((a) => this.agentUsable(a, now))) return undefined;
    return `circuit open for every agent that can run it (${agents.join(', ')})`;
  }

  outcome(step: ResolvedStep, agent: string, ok: boolean, errorClass?: ErrorClass, now = Date.now()): void {
    const counts = errorClass !== undefined && COUNTS.has(errorClass);
    for (const key of [commandKey(step), agentKey(agent)]) {
      if (key === undefined) continue;
      const before = this.book.get(key);
      const after = afterOutcome(before, ok, counts, now, this.settings);
      if (after === before) continue;
      this.book.put(after);
      if (after.position !== before.position) this.emit({ type: 'breaker.changed', key, from: before.position, to: after.position, failures: after.failures });
    }
  }

  private pass(key: string, now: number): string | undefined {
    const b = this.book.get(key);
    const v = verdict(b, now, this.settings);
    if (!v.pass) return `circuit open for ${key} after ${b.failures} failures in a row; next trial in ${seconds(v.retryInMs)}`;
    if (v.trial) {
      const trial = startTrial(b);
      this.book.put(trial);
      this.emit({ type: 'breaker.changed', key, from: b.position, to: trial.position, failures: b.failures });
    }
    return undefined;
  }
}
