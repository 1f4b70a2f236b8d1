import { errorMessage } from '../core/errors.js';
import type { EventBody } from '../core/events.js';
import { substituteDeep } from '../core/expressions.js';
import type { ResolvedStep } from '../core/planCheck.js';
import type { RunState, StepState } from '../core/runState.js';
import { forEachItems, forEachResult, groupParams, groupResult, instanceStep } from './loops.js';
import { expressionContext, type ContextInput } from './stepInputs.js';

export interface GroupDeps {
  append(e: EventBody): void;
  state(): RunState;
  steps: Map<string, ResolvedStep>;
  /** Steps this session still has to settle. */
  toRun: Set<string>;
  budgetBase: Map<string, number>;
  context(step?: ResolvedStep): ContextInput;
  settle(id: string): void;
  inputFailure(id: string, error: string): void;
  succeeded(step: ResolvedStep, outputs: Record<string, unknown>): void;
}

/**
 * Steps made of other steps: a forEach step and its instances, a `uses` step and its nested
 * workflow. Starting them records what they contain; finishing them folds their members' results.
 */
export class Groups {
  constructor(private readonly d: GroupDeps) {}

  /** Expands a forEach step into its instances; undefined when its items cannot be had. */
  expand(step: ResolvedStep): string[] | undefined {
    let items: unknown[];
    try {
      items = forEachItems(step, expressionContext(this.d.context(step)));
    } catch (e) {
      this.d.inputFailure(step.id, `forEach: ${errorMessage(e)}`);
      return undefined;
    }
    this.d.append({ type: 'step.expanded', step: step.id, items });
    return items.map((item, index) => {
      const instance = instanceStep(step, item, index);
      this.d.steps.set(instance.id, instance);
      this.d.toRun.add(instance.id);
      this.d.budgetBase.set(instance.id, 0);
      return instance.id;
    });
  }

  /** Starts a `uses` step's nested workflow: its parameters, evaluated in the caller's scope, are recorded for its steps. */
  enterWorkflow(step: ResolvedStep): boolean {
    let params: Record<string, unknown>;
    try {
      params = groupParams(step, substituteDeep(step.with, expressionContext(this.d.context(step))) as Record<string, unknown>);
    } catch (e) {
      this.d.inputFailure(step.id, `with: ${errorMessage(e)}`);
      return false;
    }
    this.d.append({ type: 'step.grouped', step: step.id, children: step.template?.children ?? [], params });
    return true;
  }

  /** A `uses` step that never started its workflow (skipped, or bad parameters) takes its steps with it. */
  skipUnstarted(id: string): void {
    const step = this.d.steps.get(id);
    const state = this.d.state();
    if (!step?.template || state.steps[id]?.instances) return;
    for (const child of state.order.filter((c) => c.startsWith(`${id}.`) && this.d.toRun.has(c))) {
      this.d.append({ type: 'step.skipped', step: child, reason: `its workflow ${id} did not run` });
      this.d.settle(child);
    }
  }

  /** Closes a forEach or `uses` step once all its members are done. */
  finish(parent: ResolvedStep, members: readonly string[]): void {
    const state = this.d.state();
    const states = members.map((i) => state.steps[i]).filter((s): s is StepState => s !== undefined);
    const self = state.steps[parent.id] as StepState;
    const outputs = () => substituteDeep(parent.template?.outputs ?? {}, expressionContext(this.d.context({ ...parent, scope: { group: parent.id } }))) as Record<string, unknown>;
    const result = parent.template
      ? groupResult(self, states, outputs, (c) => this.d.steps.get(c)?.continueOnError ?? false, Date.now())
      : forEachResult(self, states, Date.now());
    this.d.append(result);
    if (result.type === 'step.succeeded') this.d.succeeded(parent, result.outputs);
  }
}
