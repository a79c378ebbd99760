import { InvalidDefinition } from './errors';
import { LibraryDefinition, LibraryStateMachine, stepFunctionsLibrary } from './library';

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string | null }[];
  Retry?: Retrier[];
  Resource?: string;
  Parameters?: unknown;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
  Seconds?: number;
  Timestamp?: string;
  SecondsPath?: string;
  TimestampPath?: string;
  Error?: string;
  Cause?: string;
  ErrorPath?: string;
  CausePath?: string;
  Branches?: AslMachine[];
  Iterator?: AslMachine;
  ItemProcessor?: AslMachine;
  [field: string]: unknown;
}

export interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
  [field: string]: unknown;
}

export interface AslDefinition extends AslMachine {
  TimeoutSeconds?: number;
}

/** What the local task handler needs to know about a Task state the library hands over to it. */
export interface TaskSpec {
  kind: 'task';
  name: string;
  resource: string;
  retry: Retrier[];
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** Inside a Parallel branch or Map iteration (its StateEntered comes from the library's event log). */
  nested: boolean;
}

export interface WaitSpec {
  kind: 'wait';
  name: string;
  seconds?: number;
  timestamp?: string;
  nested: boolean;
}

export interface CompiledState {
  type: string;
  /** A library machine that runs only this state and ends in a transition stub (see `compile`). */
  machine: LibraryStateMachine;
}

export interface CompiledMachine {
  definition: AslDefinition;
  states: Record<string, CompiledState>;
  handlers: Map<string, TaskSpec | WaitSpec>;
  /** Stub task name → the state the execution moves to, and whether it got there through a Catch. */
  stubs: Map<string, { target: string; caught: boolean }>;
}

/**
 * The library arms a real setTimeout per task (60 s when TimeoutSeconds is absent, which AWS does not have) and a
 * value above 2^31-1 ms would fire at once; task timeouts are measured on the platform clock instead, so the
 * library's copy gets a long one that never matters in practice (23 days).
 */
const LIBRARY_TASK_TIMEOUT_SECONDS = 2_000_000;
export const WAIT_RESOURCE = 'arn:aws:states:::local:wait';
const STUB_RESOURCE = 'arn:aws:states:::local:transition';

/** Parses and validates a definition as CreateStateMachine does; the reason goes into InvalidDefinition. */
export function parseDefinition(text: string): AslDefinition {
  let def: unknown;
  try {
    def = JSON.parse(text);
  } catch (e) {
    throw new InvalidDefinition(
      `Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ${(e as Error).message}'`,
    );
  }
  if (!def || typeof def !== 'object' || Array.isArray(def))
    throw new InvalidDefinition(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: the definition must be a JSON object with StartAt and States'",
    );
  const asl = def as AslDefinition;
  if (
    (asl as Record<string, unknown>).QueryLanguage === 'JSONata' ||
    JSON.stringify(asl).includes('"QueryLanguage":"JSONata"')
  )
    throw new InvalidDefinition(
      "Invalid State Machine Definition: 'UNSUPPORTED_FEATURE: JSONata is not supported by the local Step Functions endpoint (aws-local-stepfunctions runs JSONPath only); use JSONPath'",
    );
  try {
    new (stepFunctionsLibrary().StateMachine)(asl as unknown as LibraryDefinition, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
  } catch (e) {
    const reason = (e as Error).message.replace(/^State machine definition is invalid, see error\(s\) below:\s*/, '');
    throw new InvalidDefinition(`Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ${reason.trim()}'`);
  }
  return asl;
}

function stubName(target: string, caught: boolean): string {
  return `${caught ? '#caught#' : '#next#'}${target}`;
}

/**
 * Builds the library's view of a definition. Each top-level state becomes its own small library machine whose
 * transitions (Next, Default, Choices, Catch) end in stub tasks: the driver learns where the execution goes and
 * with what data, records history between states, persists the position, and can resume or redrive from any
 * state. Inside a state, Task and Wait states (also in branches) are local handlers, so their timing, retries and
 * timeouts run on the platform clock; Retry and the task timeouts are removed from the library's copy.
 */
export function compile(definition: AslDefinition): CompiledMachine {
  const handlers = new Map<string, TaskSpec | WaitSpec>();
  const stubs = new Map<string, { target: string; caught: boolean }>();
  const states: Record<string, CompiledState> = {};
  const { StateMachine } = stepFunctionsLibrary();
  for (const [name, state] of Object.entries(definition.States)) {
    const copy = libraryState(name, state, false, handlers);
    const used = new Map<string, AslState>();
    const to = (target: string, caught: boolean): string => {
      const stub = stubName(target, caught);
      stubs.set(stub, { target, caught });
      used.set(stub, {
        Type: 'Task',
        Resource: STUB_RESOURCE,
        TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
        End: true,
      });
      return stub;
    };
    if (copy.Next !== undefined) copy.Next = to(copy.Next, false);
    if (copy.Default !== undefined) copy.Default = to(copy.Default, false);
    if (copy.Choices) copy.Choices = copy.Choices.map((c) => ({ ...c, Next: to(c.Next, false) }));
    if (copy.Catch) copy.Catch = copy.Catch.map((c) => ({ ...c, Next: to(c.Next, true) }));
    const machine: AslMachine = { StartAt: name, States: { [name]: copy, ...Object.fromEntries(used) } };
    states[name] = {
      type: state.Type,
      machine: new StateMachine(aliasContextPaths(machine) as unknown as LibraryDefinition, {
        validationOptions: { noValidate: true },
      }),
    };
  }
  return { definition, states, handlers, stubs };
}

function libraryMachine(machine: AslMachine, handlers: Map<string, TaskSpec | WaitSpec>): AslMachine {
  return {
    ...machine,
    States: Object.fromEntries(Object.entries(machine.States).map(([n, s]) => [n, libraryState(n, s, true, handlers)])),
  };
}

function libraryState(
  name: string,
  state: AslState,
  nested: boolean,
  handlers: Map<string, TaskSpec | WaitSpec>,
): AslState {
  if (state.Type === 'Task') {
    const {
      Retry,
      TimeoutSeconds,
      TimeoutSecondsPath,
      HeartbeatSeconds,
      HeartbeatSecondsPath,
      Parameters,
      Resource,
      ...rest
    } = state;
    handlers.set(name, {
      kind: 'task',
      name,
      resource: Resource ?? '',
      retry: Retry ?? [],
      timeoutSeconds: TimeoutSeconds,
      heartbeatSeconds: HeartbeatSeconds,
      nested,
    });
    // The handler gets the evaluated Parameters, the effective input and the evaluated timeout paths together.
    return {
      ...rest,
      Resource: Resource ?? '',
      TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
      Parameters: {
        ...(Parameters !== undefined ? { params: Parameters } : {}),
        'input.$': '$',
        ...(TimeoutSecondsPath ? { 'timeout.$': TimeoutSecondsPath } : {}),
        ...(HeartbeatSecondsPath ? { 'heartbeat.$': HeartbeatSecondsPath } : {}),
      },
    };
  }
  if (state.Type === 'Wait') {
    handlers.set(name, { kind: 'wait', name, seconds: state.Seconds, timestamp: state.Timestamp, nested });
    const { SecondsPath, TimestampPath, ...rest } = state;
    delete rest.Seconds;
    delete rest.Timestamp;
    return {
      ...rest,
      Type: 'Task',
      Resource: WAIT_RESOURCE,
      TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
      Parameters: {
        'input.$': '$',
        ...(SecondsPath ? { 'seconds.$': SecondsPath } : {}),
        ...(TimestampPath ? { 'timestamp.$': TimestampPath } : {}),
      },
    };
  }
  if (state.Type === 'Parallel' && state.Branches)
    return { ...state, Branches: state.Branches.map((b) => libraryMachine(b, handlers)) };
  if (state.Type === 'Map') {
    const copy = { ...state };
    if (state.Iterator) copy.Iterator = libraryMachine(state.Iterator, handlers);
    if (state.ItemProcessor) copy.ItemProcessor = libraryMachine(state.ItemProcessor, handlers);
    return copy;
  }
  return { ...state };
}

/**
 * The library overwrites `$$.Execution.Input` and `$$.Execution.StartTime` with the input of its own run (here:
 * the state's input) and the real time; paths to them are redirected to fields it leaves alone.
 */
function aliasContextPaths(machine: AslMachine): AslMachine {
  const text = JSON.stringify(machine).replace(
    /\$\$\.Execution\.(Input|StartTime)(?![A-Za-z0-9_])/g,
    '$$$$.Execution.Local$1',
  );
  return JSON.parse(text) as AslMachine;
}
