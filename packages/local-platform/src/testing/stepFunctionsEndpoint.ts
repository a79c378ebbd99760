import { VirtualClock } from '../clock';
import { LocalStepFunctions } from '../stepFunctions';
import { InTestLambdas } from './inTestLambdas';
import { serveMountedApi } from './serveMountedApi';
import { settleWhenQuiet, tick } from './settle';

export const STEP_FUNCTIONS_TEST_PREFIX = '/stepfunctions';

export interface StepFunctionsEndpointOptions {
  /** SQLite file of the executions, or ':memory:' (default). */
  location?: string;
  /** Default: a virtual clock at 2026-01-05T09:00:00Z. */
  clock?: VirtualClock;
  /** The functions Task states invoke. Default: an empty set to `define` on. */
  lambdas?: InTestLambdas;
}

export interface StepFunctionsEndpoint {
  clock: VirtualClock;
  lambdas: InTestLambdas;
  sfn: LocalStepFunctions;
  /** What `@aws-sdk/client-sfn` takes as `endpoint` (with any region and credentials). */
  endpoint: string;
  /** Waits until the endpoint and the functions have no work left (only waits on tokens or the clock). */
  settle(): Promise<void>;
  /** Moves the virtual clock, settling after every timer it fires. */
  advance(ms: number): Promise<void>;
  /** Lets pending I/O and callbacks run without waiting for idle (for Lambda calls that never return). */
  tick(): Promise<void>;
  /** Moves the virtual clock with `tick` between timers. */
  advanceLoosely(ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The local Step Functions endpoint alone, on a free loopback port, with a virtual clock and functions defined by
 * the test: for testing state machines through the real `@aws-sdk/client-sfn` without starting a platform.
 */
export async function startStepFunctionsEndpoint(
  options: StepFunctionsEndpointOptions = {},
): Promise<StepFunctionsEndpoint> {
  const clock = options.clock ?? new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const lambdas = options.lambdas ?? new InTestLambdas();
  const sfn = new LocalStepFunctions({ clock, lambda: lambdas, location: options.location ?? ':memory:' });
  sfn.start();
  const served = await serveMountedApi(STEP_FUNCTIONS_TEST_PREFIX, (r) => sfn.handle(r));
  const settle = (): Promise<void> => settleWhenQuiet(() => sfn.inFlight() + lambdas.inFlight());
  return {
    clock,
    lambdas,
    sfn,
    endpoint: served.endpoint,
    settle,
    advance: (ms) => clock.advance(ms, settle),
    tick,
    advanceLoosely: (ms) => clock.advance(ms, tick),
    close: async () => {
      await served.close();
      await sfn.stop();
    },
  };
}
