import type { FailureDetails } from './historyEvents';

/** Typed errors of the embedded durable engine; messages say what happened, where, and what to do. */
export class DurableEngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class OrchestratorNotFoundError extends DurableEngineError {
  constructor(
    readonly requested: string,
    readonly registered: readonly string[],
  ) {
    super(
      `No orchestrator function named "${requested}" is registered. Registered orchestrators: ${
        registered.length ? registered.join(', ') : '(none)'
      }. Register it with df.app.orchestration('${requested}', function* (context) { ... }).`,
    );
  }
}

export class InstanceNotFoundError extends DurableEngineError {
  constructor(readonly instanceId: string) {
    super(`No orchestration instance with ID "${instanceId}" exists in this task hub.`);
  }
}

export class InstanceAlreadyExistsError extends DurableEngineError {
  constructor(
    readonly instanceId: string,
    readonly status: string,
  ) {
    super(
      `An orchestration instance with ID "${instanceId}" already exists and is ${status}. ` +
        'Wait for it to finish, terminate it, or start with another instance ID.',
    );
  }
}

export class InstanceNotRunningError extends DurableEngineError {
  constructor(
    readonly instanceId: string,
    readonly status: string,
    operation: string,
  ) {
    super(`Cannot ${operation} instance "${instanceId}": it is ${status}.`);
  }
}

export class NonDeterministicOrchestrationError extends DurableEngineError {
  constructor(
    readonly instanceId: string,
    readonly eventId: number | null,
    readonly recorded: string,
    readonly replayed: string,
  ) {
    super(
      `NonDeterministicOrchestration: instance "${instanceId}" replayed ${replayed} where its history recorded ` +
        `${recorded}${eventId !== null ? ` at EventId ${eventId}` : ''}. Orchestrator code must make the same calls ` +
        'in the same order on every replay; deploy changed orchestrators under a new name or version.',
    );
  }
}

export class UnsupportedActionError extends DurableEngineError {
  constructor(
    readonly instanceId: string,
    readonly action: string,
  ) {
    super(
      `Instance "${instanceId}" used ${action}, which the embedded durable engine does not support yet. ` +
        'Run this orchestration under Azure Functions Core Tools (npm run start:func), or avoid the feature.',
    );
  }
}

export class InstanceNotFailedError extends DurableEngineError {
  constructor(
    readonly instanceId: string,
    readonly status: string,
  ) {
    super(
      `Cannot rewind instance "${instanceId}": it is ${status}; only Failed instances can be rewound (restart it instead).`,
    );
  }
}

/** What a thrown value becomes in a TaskFailed or ExecutionCompleted event. */
export function failureOf(e: unknown): FailureDetails {
  if (e instanceof Error) return { ErrorType: e.name || 'Error', ErrorMessage: e.message, StackTrace: e.stack };
  return { ErrorType: 'Error', ErrorMessage: typeof e === 'string' ? e : (JSON.stringify(e) ?? String(e)) };
}
