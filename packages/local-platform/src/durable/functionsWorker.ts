import type { AppInvoker } from '../functionsHost/appInvoker';
import type { FunctionRegistry } from '../functionsHost/registry';
import type { Action } from './actions';
import type { DurableWorker } from './durableWorker';
import type { OrchestratorOutcome } from './episode';
import type { FailureDetails } from './historyEvents';

const OUT_OF_PROC_LABEL = '\n\n$OutOfProcData$:';

interface WireState {
  isDone?: boolean;
  actions?: Action[][];
  output?: unknown;
  customStatus?: unknown;
  error?: string;
  failureDetails?: FailureDetails;
}

function toOutcome(state: WireState): OrchestratorOutcome {
  return {
    isDone: !!state.isDone,
    actions: (state.actions ?? []).flat(),
    output: state.output,
    customStatus: state.customStatus,
    error: state.error,
    failureDetails: state.failureDetails,
  };
}

/** Durable functions of a loaded app, called through the app's own programming model. */
export class RegistryDurableWorker implements DurableWorker {
  constructor(
    private readonly registry: FunctionRegistry,
    private readonly invoker: AppInvoker,
  ) {}

  orchestratorNames(): string[] {
    return this.registry.byTrigger('orchestrationTrigger').map((f) => f.name);
  }

  activityNames(): string[] {
    return this.registry.byTrigger('activityTrigger').map((f) => f.name);
  }

  resolveOrchestrator(name: string): string | undefined {
    const fn = this.registry.get(name);
    return fn && fn.trigger.type === 'orchestrationTrigger' ? fn.name : undefined;
  }

  resolveActivity(name: string): string | undefined {
    const fn = this.registry.get(name);
    return fn && fn.trigger.type === 'activityTrigger' ? fn.name : undefined;
  }

  async callOrchestrator(name: string, payloadJson: string, reason?: string): Promise<OrchestratorOutcome> {
    const fn = this.registry.get(name);
    if (!fn) throw new Error(`Orchestrator "${name}" is not registered.`);
    try {
      const { returnValue } = await this.invoker.invoke(fn, { trigger: { json: payloadJson }, reason });
      // The worker sends the state over the wire as JSON; parsing it here gives the same shapes (dates as text).
      const text = returnValue?.json ?? returnValue?.string;
      if (!text)
        throw new Error(
          `Orchestrator "${name}" returned no state. Is it registered with df.app.orchestration and written as function*?`,
        );
      return toOutcome(JSON.parse(text) as WireState);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const at = message.indexOf(OUT_OF_PROC_LABEL);
      if (at >= 0) {
        const state = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as WireState;
        return toOutcome({ ...state, error: state.error ?? message.slice(0, at) });
      }
      throw e;
    }
  }

  async callActivity(name: string, inputJson: string | null, reason?: string): Promise<string> {
    const fn = this.registry.get(name);
    if (!fn) throw new Error(`Activity "${name}" is not registered.`);
    const { result, returnValue } = await this.invoker.invoke(fn, { trigger: { json: inputJson ?? 'null' }, reason });
    // The worker already serialised objects for the wire; reuse that text instead of serialising twice.
    if (returnValue?.json != null) return returnValue.json;
    return JSON.stringify(result === undefined ? null : result) ?? 'null';
  }
}
