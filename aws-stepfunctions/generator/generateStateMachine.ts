import type { RetryPolicy, SagaDefinition, SagaStep } from '../../saga/definition/types';
import {
  awaitRejectedReason,
  awaitTimedOutReason,
  formatDuration,
  rejectedReason,
  STEP_TIMEOUT_ERROR,
  stepFailedReason,
  unverifiedReason,
} from '../../saga/definition/semantics';
import { STEP_FUNCTIONS_KEY_SCOPE } from '../../saga/domain/idempotency';
import type { ChoiceRule, Json, Retrier, State, StateMachine, TaskState } from './asl';
import { AWAIT_EVENT_FUNCTION, functionArnPlaceholder } from './lambdaFunctions';

/**
 * Translates a saga definition into a Step Functions state machine that behaves as the Durable runner
 * (orchestrations/sagaRunner.ts) does: the same activity calls with the same retries and per-attempt deadlines, the
 * same waits, the same compensation order, the same outcomes and failure wording. The conformance suite runs both.
 *
 * The execution's state document:
 *   order         the execution input (the OrderPlaced data)
 *   run           the execution name: the order id, or <orderId>.r<N> for a restart (idempotency keys use it)
 *   results.<s>   data returned by step s          steps.<s>         {status, reason?} of step s
 *   compensations.<s>  {step, activity, status, reason?} of the latest compensation of step s
 *   waits.<s>     {startedAt, remainingSeconds, ignored?} of step s's wait, when its event is verified
 *   failure       {step, status, reason, uncertain, activity?} of the critical failure, or null
 *   warning       the same for the latest best-effort failure (kept apart so it never masks `failure`)
 *   outcome       null while succeeding; {outcome, failedStep, reason, compensations} after
 *   resolution    the latest valid operator decision, as received
 *   log.<list>    {text, sep}: the output's lists (steps, compensations, warnings, trace, ignoredEvents) so far
 *   last / error / event / decision   scratch: the latest task result, caught error, event and operator decision
 *   lists / result   at the end: the lists parsed, and the output (Durable's SagaResult, saga/domain/saga.ts)
 *
 * The maps above are what the run decides by (a compensation reads its step's status by name). The output has
 * Durable's lists, in the order things happened, with a record per event (a step and its wait, every round of
 * compensation). JSONPath cannot append to an array, and turning a map into a list (`.*`) fails on AWS when the
 * map is empty and keeps one record per step; so each list is kept as JSON text, appended to with `States.Format`
 * (`States.JsonToString` escapes what a reason holds) and parsed once, by `States.StringToJson`, at the end.
 */

/** The output's lists, in the state document's `log` while the saga runs. */
const LOG_LISTS = ['steps', 'compensations', 'warnings', 'trace', 'ignoredEvents'] as const;
type LogList = (typeof LOG_LISTS)[number];

/** One list element as a `States.Format` template (reserved characters escaped) and the arguments of its `{}`. */
interface LogElement {
  template: string;
  args: string[];
}

/** A literal inside a `States.Format` template: `\`, `'`, `{` and `}` are reserved and escaped by a backslash. */
const formatLiteral = (text: string): string => text.replace(/[\\'{}]/g, (c) => `\\${c}`);

/** A constant JSON string element (a trace entry). */
const textElement = (text: string): LogElement => ({ template: formatLiteral(JSON.stringify(text)), args: [] });

/** A JSON object element: constant fields as written, `{ path }` fields as the JSON text of the value there. */
const objectElement = (fields: Record<string, string | { path: string }>): LogElement => {
  const parts: string[] = [];
  const args: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string') {
      parts.push(formatLiteral(`${JSON.stringify(key)}:${JSON.stringify(value)}`));
    } else {
      parts.push(`${formatLiteral(`${JSON.stringify(key)}:`)}{}`);
      args.push(`States.JsonToString(${value.path})`);
    }
  }
  return { template: `${formatLiteral('{')}${parts.join(',')}${formatLiteral('}')}`, args };
};

/** The element that is the JSON text of the object at `path` (a compensation record, already in Durable's shape). */
const recordElement = (path: string): LogElement => ({ template: '{}', args: [`States.JsonToString(${path})`] });

/** A Pass appending elements to the output's lists (the others are copied as they are). */
function logPass(entries: Partial<Record<LogList, LogElement[]>>, next: string, comment?: string): State {
  const parameters: { [key: string]: Json } = {};
  for (const list of LOG_LISTS) {
    const elements = entries[list] ?? [];
    if (!elements.length) {
      parameters[`${list}.$`] = `$.log.${list}`;
      continue;
    }
    const template = `{}{}${elements.map((e) => e.template).join(',')}`;
    const args = [`$.log.${list}.text`, `$.log.${list}.sep`, ...elements.flatMap((e) => e.args)];
    parameters[list] = { 'text.$': `States.Format('${template}', ${args.join(', ')})`, sep: ',' };
  }
  return {
    Type: 'Pass',
    ...(comment ? { Comment: comment } : {}),
    Parameters: parameters,
    ResultPath: '$.log',
    Next: next,
  };
}

/** A list of the output, parsed from its text. */
const parsedList = (list: LogList): string => `States.StringToJson(States.Format('[{}]', $.log.${list}.text))`;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
/** Transient faults of the Lambda service itself (not of the function): always worth retrying. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

export const NEEDS_ATTENTION_ERROR = 'Saga.NeedsAttention';

const OPERATOR_DECISION_FORMS = '{"action":"retryCompensation"} or {"action":"markResolved","by":"…","note":"…"}';

const seconds = (ms: number): number => {
  if (ms % 1000 !== 0 || ms < 1000)
    throw new RangeError(`Step Functions counts whole seconds; ${ms} ms cannot be expressed exactly.`);
  return ms / 1000;
};

/** A step's retry policy: errors that retrying cannot fix never retry; everything else (timeouts too) does. */
function retriers(policy: RetryPolicy, nonRetriable: string[]): Retrier[] {
  const out: Retrier[] = [];
  if (nonRetriable.length) out.push({ ErrorEquals: nonRetriable, MaxAttempts: 0 });
  out.push({
    ErrorEquals: ['States.ALL'],
    IntervalSeconds: seconds(policy.firstRetryIntervalMs),
    MaxAttempts: policy.maxAttempts - 1,
    BackoffRate: policy.backoffCoefficient,
    MaxDelaySeconds: seconds(policy.maxRetryIntervalMs),
    JitterStrategy: 'NONE',
  });
  return out;
}

const present = (path: string): ChoiceRule => ({ Variable: path, IsPresent: true });
const equals = (path: string, value: string): ChoiceRule => ({
  And: [present(path), { Variable: path, StringEquals: value }],
});

/** `States.Format` template from a reason function called with `{}` placeholders (the wording lives once). */
const format = (template: string, ...paths: string[]): string =>
  `States.Format('${template.replace(/[\\']/g, (c) => `\\${c}`)}', ${paths.join(', ')})`;

class Builder {
  readonly states: Record<string, State> = {};

  add(name: string, state: State): string {
    if (name.length > 80) throw new RangeError(`State name "${name}" is longer than the 80 characters ASL allows.`);
    if (this.states[name]) throw new Error(`The generator produced the state "${name}" twice.`);
    this.states[name] = state;
    return name;
  }
}

export function generateStateMachine(definition: SagaDefinition): StateMachine {
  const b = new Builder();
  const { steps } = definition;
  const compensable = steps.filter((s) => s.critical && s.compensation);
  const afterOutcome = steps.filter((s) => s.runs === 'always');

  const activityTask = (
    activity: string,
    policy: RetryPolicy,
    attemptTimeoutMs: number,
    outcome: { [key: string]: Json } | null,
    next: string,
    onError: string,
    extraPayload: { [key: string]: Json } = {},
  ): TaskState => ({
    Type: 'Task',
    Resource: LAMBDA_INVOKE,
    Parameters: {
      FunctionName: functionArnPlaceholder(activity),
      Payload: {
        activity,
        'order.$': '$.order',
        'run.$': '$.run',
        keyScope: STEP_FUNCTIONS_KEY_SCOPE,
        'results.$': '$.results',
        // The lists the Durable runner passes (StepInput), parsed from the output's text.
        'warnings.$': parsedList('warnings'),
        ...(outcome ? { outcome } : { 'outcome.$': '$.outcome' }),
        ...extraPayload,
      },
    },
    ResultSelector: { 'value.$': '$.Payload' },
    ResultPath: '$.last',
    TimeoutSeconds: seconds(attemptTimeoutMs),
    Retry: retriers(policy, definition.nonRetriableErrors),
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: onError }],
    Next: next,
  });

  /**
   * The states of one step. `prefix` distinguishes the copy that runs after the outcome is known (a step that
   * `runs: 'always'` and had not run before the saga failed). Returns the entry state's name.
   */
  const stepStates = (step: SagaStep, prefix: string, next: string, onCriticalFailure: string): string => {
    const name = `${prefix}${step.name}`;
    const recordFailure = `${name}.RecordFailure`;
    // A best-effort step's failure goes to its own slot, so it never masks the critical failure being handled.
    const failurePath = step.critical ? '$.failure' : '$.warning';
    b.add(
      name,
      activityTask(step.activity, step.retry, step.attemptTimeoutMs, null, `${name}.Check`, `${name}.Failed`),
    );
    b.add(`${name}.Check`, {
      Type: 'Choice',
      Choices: [{ Variable: '$.last.value.ok', BooleanEquals: true, Next: `${name}.Done` }],
      Default: `${name}.Rejected`,
    });
    b.add(`${name}.Done`, {
      Type: 'Pass',
      Comment: `Keep ${step.activity}'s data for the steps and compensations after it.`,
      InputPath: '$.last.value.data',
      ResultPath: `$.results.${step.name}`,
      Next: `${name}.Recorded`,
    });
    const afterDone = step.awaitEvent ? (step.awaitEvent.verify ? `${name}.AwaitBegins` : `${name}.Await`) : next;
    b.add(`${name}.Recorded`, {
      Type: 'Pass',
      Result: { status: 'done' },
      ResultPath: `$.steps.${step.name}`,
      Next: `${name}.Logged`,
    });
    b.add(
      `${name}.Logged`,
      logPass(
        {
          trace: [
            textElement(step.activity),
            ...(step.awaitEvent ? [textElement(`await:${step.awaitEvent.event}`)] : []),
          ],
          steps: [objectElement({ step: step.name, activity: step.activity, status: 'done' })],
        },
        afterDone,
      ),
    );
    b.add(`${name}.Rejected`, {
      Type: 'Pass',
      Comment: 'A business refusal: retrying cannot change it, and nothing happened that needs undoing.',
      Parameters: {
        step: step.name,
        status: 'rejected',
        'reason.$': format(rejectedReason('{}', '{}'), '$.last.value.code', '$.last.value.reason'),
        uncertain: false,
      },
      ResultPath: failurePath,
      Next: recordFailure,
    });
    b.add(`${name}.Failed`, {
      Type: 'Pass',
      Comment: 'Retries exhausted or not retriable: the side effect may have happened (a lost answer).',
      Parameters: {
        step: step.name,
        status: 'failed',
        'reason.$': format(stepFailedReason(step.activity, '{}'), '$.error.Error'),
        uncertain: true,
      },
      ResultPath: failurePath,
      Next: recordFailure,
    });
    b.add(recordFailure, {
      Type: 'Pass',
      InputPath: failurePath,
      Parameters: { 'status.$': '$.status', 'reason.$': '$.reason' },
      ResultPath: `$.steps.${step.name}`,
      Next: `${name}.FailureLogged`,
    });
    b.add(
      `${name}.FailureLogged`,
      logPass(
        {
          trace: [textElement(step.activity)],
          steps: [
            objectElement({
              step: step.name,
              activity: step.activity,
              status: { path: `${failurePath}.status` },
              reason: { path: `${failurePath}.reason` },
            }),
          ],
        },
        step.critical ? onCriticalFailure : `${name}.Warn`,
      ),
    );
    // A failed wait leaves the step itself `done` (its compensation must run), so it records only the failure.
    const waitFailed = step.critical ? onCriticalFailure : `${name}.Warn`;
    if (!step.critical) {
      b.add(
        `${name}.Warn`,
        logPass(
          { warnings: [objectElement({ step: step.name, reason: { path: `${failurePath}.reason` } })] },
          next,
          'Best effort: record why and go on.',
        ),
      );
    }
    if (step.awaitEvent) {
      const { event, timeoutMs, correlateOn, successWhen, verify } = step.awaitEvent;
      const field = `$.event.${successWhen.field}`;
      const waitPath = `$.waits.${step.name}`;
      if (verify) {
        b.add(`${name}.AwaitBegins`, {
          Type: 'Pass',
          Comment: `The wait's deadline: a ${event} the verification does not back buys no extra time.`,
          Parameters: { 'startedAt.$': '$$.State.EnteredTime', remainingSeconds: seconds(timeoutMs) },
          ResultPath: waitPath,
          Next: `${name}.Await`,
        });
      }
      b.add(`${name}.Await`, {
        Type: 'Task',
        Comment: `Wait for ${event}: the awaitEvent function files the task token; the event's handler completes it.`,
        Resource: LAMBDA_WAIT_FOR_TOKEN,
        Parameters: {
          FunctionName: functionArnPlaceholder(AWAIT_EVENT_FUNCTION),
          Payload: {
            event,
            'orderId.$': '$.order.orderId',
            correlation: { field: correlateOn, 'value.$': `$.results.${step.name}.${correlateOn}` },
            'taskToken.$': '$$.Task.Token',
          },
        },
        ResultPath: '$.event',
        ...(verify ? { TimeoutSecondsPath: `${waitPath}.remainingSeconds` } : { TimeoutSeconds: seconds(timeoutMs) }),
        Retry: [{ ErrorEquals: LAMBDA_SERVICE_ERRORS, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }],
        Catch: [
          { ErrorEquals: [STEP_TIMEOUT_ERROR], ResultPath: '$.error', Next: `${name}.AwaitTimedOut` },
          { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: `${name}.AwaitFailed` },
        ],
        Next: `${name}.AwaitCheck`,
      });
      if (verify) {
        b.add(
          `${name}.Verify`,
          activityTask(
            verify.activity,
            verify.retry,
            verify.attemptTimeoutMs,
            null,
            `${name}.VerifyCheck`,
            `${name}.VerifyFailed`,
            {
              wait: {
                'startedAt.$': `${waitPath}.startedAt`,
                'now.$': '$$.State.EnteredTime',
                timeoutSeconds: seconds(timeoutMs),
              },
            },
          ),
        );
        b.add(`${name}.VerifyBegins`, logPass({ trace: [textElement(verify.activity)] }, `${name}.Verify`));
        b.add(`${name}.VerifyCheck`, {
          Type: 'Choice',
          Choices: [{ Variable: '$.last.value.ok', BooleanEquals: true, Next: `${name}.AwaitDone` }],
          Default: `${name}.Unverified`,
        });
        b.add(`${name}.Unverified`, {
          Type: 'Pass',
          Comment: `Not backed by ${verify.activity}: recorded, and the wait goes on with the time it has left.`,
          Parameters: {
            'startedAt.$': `${waitPath}.startedAt`,
            'remainingSeconds.$': '$.last.value.remainingSeconds',
            'ignored.$': format(unverifiedReason(event, '{}', '{}'), '$.last.value.code', '$.last.value.reason'),
          },
          ResultPath: waitPath,
          Next: `${name}.Ignored`,
        });
        b.add(
          `${name}.Ignored`,
          logPass(
            { ignoredEvents: [objectElement({ event, reason: { path: `${waitPath}.ignored` } })] },
            `${name}.StillWaiting`,
          ),
        );
        b.add(`${name}.StillWaiting`, {
          Type: 'Choice',
          Choices: [{ Variable: `${waitPath}.remainingSeconds`, NumericGreaterThan: 0, Next: `${name}.AwaitAgain` }],
          Default: `${name}.AwaitTimedOut`,
        });
        b.add(`${name}.AwaitAgain`, logPass({ trace: [textElement(`await:${event}`)] }, `${name}.Await`));
      }
      b.add(
        `${name}.AwaitDone`,
        logPass({ steps: [objectElement({ step: step.name, activity: `await:${event}`, status: 'done' })] }, next),
      );
      b.add(`${name}.AwaitCheck`, {
        Type: 'Choice',
        Choices: [
          { ...equals(field, successWhen.equals), Next: verify ? `${name}.VerifyBegins` : `${name}.AwaitDone` },
          { ...present(field), Next: `${name}.AwaitRejected` },
        ],
        Default: `${name}.AwaitRejectedWithout`,
      });
      const awaited = `await:${event}`;
      const failure = (reason: { [key: string]: Json }, status: string, activity = awaited): State => ({
        Type: 'Pass',
        Parameters: { step: step.name, status, ...reason, uncertain: false, activity },
        ResultPath: failurePath,
        Next: `${name}.AwaitFailureLogged`,
      });
      b.add(`${name}.AwaitTimedOut`, failure({ reason: awaitTimedOutReason(event, timeoutMs) }, 'timedOut'));
      b.add(
        `${name}.AwaitRejected`,
        failure({ 'reason.$': format(awaitRejectedReason(event, successWhen.field, '{}'), field) }, 'rejected'),
      );
      b.add(
        `${name}.AwaitRejectedWithout`,
        failure({ reason: awaitRejectedReason(event, successWhen.field, 'undefined') }, 'rejected'),
      );
      b.add(
        `${name}.AwaitFailed`,
        failure({ 'reason.$': format(stepFailedReason(awaited, '{}'), '$.error.Error') }, 'failed'),
      );
      if (verify)
        b.add(
          `${name}.VerifyFailed`,
          failure(
            { 'reason.$': format(stepFailedReason(verify.activity, '{}'), '$.error.Error') },
            'failed',
            verify.activity,
          ),
        );
      b.add(
        `${name}.AwaitFailureLogged`,
        logPass(
          {
            steps: [
              objectElement({
                step: step.name,
                activity: { path: `${failurePath}.activity` },
                status: { path: `${failurePath}.status` },
                reason: { path: `${failurePath}.reason` },
              }),
            ],
          },
          waitFailed,
        ),
      );
    }
    return name;
  };

  // Compensation: each compensable step in reverse order, when it completed or failed uncertainly, unless an
  // earlier round already undid it (a retry after an operator's decision redoes only what failed).
  const compensations = [...compensable].reverse();
  const chainNames = compensations.map((s) => `${s.name}.ShouldCompensate`);
  const afterCompensation = 'Compensate.Check';
  const compensateEntry = chainNames[0] ?? afterCompensation;
  compensations.forEach((step, i) => {
    const next = chainNames[i + 1] ?? afterCompensation;
    const run = `${step.name}.Compensation`;
    const comp = step.compensation!;
    b.add(chainNames[i], {
      Type: 'Choice',
      Choices: [
        { ...equals(`$.compensations.${step.name}.status`, 'done'), Next: next },
        { ...equals(`$.steps.${step.name}.status`, 'done'), Next: run },
        {
          And: [
            { Variable: '$.failure.step', StringEquals: step.name },
            { Variable: '$.failure.uncertain', BooleanEquals: true },
          ],
          Next: run,
        },
      ],
      Default: next,
    });
    b.add(
      run,
      activityTask(
        comp,
        definition.compensationRetry,
        definition.compensationAttemptTimeoutMs,
        {
          outcome: 'Compensated',
          'failedStep.$': '$.failure.step',
          'reason.$': '$.failure.reason',
        },
        `${run}.Check`,
        `${run}.Failed`,
      ),
    );
    b.add(`${run}.Check`, {
      Type: 'Choice',
      Choices: [{ Variable: '$.last.value.ok', BooleanEquals: true, Next: `${run}.Done` }],
      Default: `${run}.Rejected`,
    });
    const record = (status: string, reason?: { [key: string]: Json }): State => ({
      Type: 'Pass',
      Parameters: { step: step.name, activity: comp, status, ...reason },
      ResultPath: `$.compensations.${step.name}`,
      Next: `${run}.Logged`,
    });
    b.add(
      `${run}.Logged`,
      logPass(
        { trace: [textElement(comp)], compensations: [recordElement(`$.compensations.${step.name}`)] },
        next,
        'Every round is listed, as Durable lists it; the map keeps only the latest, which the next round reads.',
      ),
    );
    b.add(`${run}.Done`, record('done'));
    b.add(
      `${run}.Rejected`,
      record('failed', {
        'reason.$': format(rejectedReason('{}', '{}'), '$.last.value.code', '$.last.value.reason'),
      }),
    );
    b.add(`${run}.Failed`, record('failed', { 'reason.$': format(stepFailedReason(comp, '{}'), '$.error.Error') }));
  });

  function parkStates(): void {
    b.add('Park', {
      Type: 'Task',
      Comment: `A compensation failed: wait up to ${formatDuration(definition.park.timeoutMs)} for an operator's ${definition.park.event}.`,
      Resource: LAMBDA_WAIT_FOR_TOKEN,
      Parameters: {
        FunctionName: functionArnPlaceholder(AWAIT_EVENT_FUNCTION),
        Payload: {
          event: definition.park.event,
          'orderId.$': '$.order.orderId',
          correlation: null,
          'taskToken.$': '$$.Task.Token',
        },
      },
      ResultPath: '$.decision',
      TimeoutSeconds: seconds(definition.park.timeoutMs),
      Retry: [{ ErrorEquals: LAMBDA_SERVICE_ERRORS, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Outcome.NeedsAttention' }],
      Next: 'Park.Decide',
    });
    // operatorDecisionSchema in Choice rules: markResolved must say who and why; anything else is not a decision.
    const text = (path: string): ChoiceRule => ({
      And: [present(path), { Variable: path, IsString: true }, { Not: { Variable: path, StringEquals: '' } }],
    });
    b.add('Park.Decide', {
      Type: 'Choice',
      Choices: [
        {
          And: [equals('$.decision.action', 'markResolved'), text('$.decision.by'), text('$.decision.note')],
          Next: 'Park.Resolved',
        },
        { ...equals('$.decision.action', 'retryCompensation'), Next: 'Park.Retry' },
      ],
      Default: 'Park.Ignored',
    });
    // The latest valid decision is the output's `resolution` whatever it was, as Durable records it.
    b.add('Park.Resolved', {
      Type: 'Pass',
      InputPath: '$.decision',
      ResultPath: '$.resolution',
      Next: 'Outcome.Resolved',
    });
    b.add('Park.Retry', { Type: 'Pass', InputPath: '$.decision', ResultPath: '$.resolution', Next: compensateEntry });
    b.add('Park.Ignored', {
      Type: 'Pass',
      Comment: 'Not a valid decision: recorded in the state, and the saga goes on waiting for one.',
      Parameters: {
        'received.$': '$.decision',
        reason: `not a valid ${definition.park.event}: ${OPERATOR_DECISION_FORMS}`,
      },
      ResultPath: '$.ignoredDecision',
      Next: 'Park',
    });
    b.add('Outcome.Resolved', {
      Type: 'Pass',
      Parameters: { outcome: 'Compensated', ...outcomeFields },
      ResultPath: '$.outcome',
      Next: afterOutcomeEntry,
    });
    b.add('Outcome.NeedsAttention', {
      Type: 'Pass',
      Parameters: { outcome: 'NeedsAttention', ...outcomeFields },
      ResultPath: '$.outcome',
      Next: afterOutcomeEntry,
    });
  }

  // Outcome → the steps that run whatever happened → the terminal state that names the outcome.
  const finish = 'Finish';
  const outcomeFields = {
    'failedStep.$': '$.failure.step',
    'reason.$': '$.failure.reason',
    'compensations.$': parsedList('compensations'),
  };
  let afterOutcomeEntry = finish;
  for (const step of [...afterOutcome].reverse()) {
    const entry = stepStates(step, 'Finally.', afterOutcomeEntry, afterOutcomeEntry);
    afterOutcomeEntry = b.add(`Finally.${step.name}.IfNotRun`, {
      Type: 'Choice',
      Choices: [{ ...present(`$.steps.${step.name}`), Next: afterOutcomeEntry }],
      Default: entry,
    });
  }
  if (!compensations.length) {
    b.add(afterCompensation, { Type: 'Pass', Comment: 'Nothing to undo.', Next: 'Outcome.Compensated' });
  } else {
    b.add(afterCompensation, {
      Type: 'Choice',
      Choices: [
        { Or: compensations.map((s) => equals(`$.compensations.${s.name}.status`, 'failed')), Next: 'Park.Begins' },
      ],
      Default: 'Outcome.Compensated',
    });
    b.add('Park.Begins', logPass({ trace: [textElement(`await:${definition.park.event}`)] }, 'Park'));
    parkStates();
  }
  b.add('Outcome.Compensated', {
    Type: 'Pass',
    Parameters: { outcome: 'Compensated', ...outcomeFields },
    ResultPath: '$.outcome',
    Next: afterOutcomeEntry,
  });
  // The output: Durable's SagaResult. The lists are parsed once; optional fields are added only when set.
  b.add(finish, {
    Type: 'Pass',
    Parameters: Object.fromEntries(LOG_LISTS.map((list) => [`${list}.$`, parsedList(list)])),
    ResultPath: '$.lists',
    Next: 'Result.Outcome',
  });
  b.add('Result.Outcome', {
    Type: 'Choice',
    Choices: [{ Variable: '$.outcome', IsNull: true, Next: 'Result.Completed' }],
    Default: 'Result.Ended',
  });
  const result = (outcome: { [key: string]: Json }): { [key: string]: Json } => ({
    'orderId.$': '$.order.orderId',
    ...outcome,
    'steps.$': '$.lists.steps',
    'compensations.$': '$.lists.compensations',
    'warnings.$': '$.lists.warnings',
    'trace.$': '$.lists.trace',
  });
  b.add('Result.Completed', {
    Type: 'Pass',
    Parameters: result({ outcome: 'Completed' }),
    ResultPath: '$.result',
    Next: 'Result.HasIgnoredEvents',
  });
  b.add('Result.Ended', {
    Type: 'Pass',
    Parameters: result({
      'outcome.$': '$.outcome.outcome',
      'failedStep.$': '$.outcome.failedStep',
      'reason.$': '$.outcome.reason',
    }),
    ResultPath: '$.result',
    Next: compensations.length ? 'Result.HasResolution' : 'Result.HasIgnoredEvents',
  });
  if (compensations.length) {
    b.add('Result.HasResolution', {
      Type: 'Choice',
      Choices: [{ ...present('$.resolution'), Next: 'Result.Resolution' }],
      Default: 'Result.HasIgnoredEvents',
    });
    b.add('Result.Resolution', {
      Type: 'Pass',
      Comment:
        "An operator decided about the parked saga: the decision (who, note, when) is in the output, as Durable's.",
      InputPath: '$.resolution',
      ResultPath: '$.result.resolution',
      Next: 'Result.HasIgnoredEvents',
    });
  }
  b.add('Result.HasIgnoredEvents', {
    Type: 'Choice',
    Choices: [{ Not: { Variable: '$.log.ignoredEvents.text', StringEquals: '' }, Next: 'Result.IgnoredEvents' }],
    Default: 'Result.End',
  });
  b.add('Result.IgnoredEvents', {
    Type: 'Pass',
    InputPath: '$.lists.ignoredEvents',
    ResultPath: '$.result.ignoredEvents',
    Next: 'Result.End',
  });
  b.add('Result.End', {
    Type: 'Choice',
    Choices: [
      { Variable: '$.result.outcome', StringEquals: 'Completed', Next: 'Completed' },
      { Variable: '$.result.outcome', StringEquals: 'Compensated', Next: 'Compensated' },
    ],
    Default: 'NeedsAttention',
  });
  b.add('Completed', { Type: 'Succeed', OutputPath: '$.result' });
  b.add('Compensated', { Type: 'Succeed', OutputPath: '$.result' });
  b.add('NeedsAttention', {
    Type: 'Fail',
    Comment:
      'Money or stock may be out of step: listed with the FAILED executions so operators find it. A failed ' +
      "execution has no output; the output this state was entered with (`result`) is in the history's FailStateEntered.",
    Error: NEEDS_ATTENTION_ERROR,
    CausePath: '$.result.reason',
  });

  // The main path, built back to front so each step knows its successor.
  let next = finish;
  for (const step of [...steps].reverse()) next = stepStates(step, '', next, compensateEntry);
  b.add('Start', {
    Type: 'Pass',
    Comment: 'The execution input is the order; lay out the state document the steps fill in.',
    Parameters: {
      'order.$': '$',
      'run.$': '$$.Execution.Name',
      results: {},
      steps: {},
      compensations: {},
      waits: {},
      log: Object.fromEntries(LOG_LISTS.map((list) => [list, { text: '', sep: '' }])),
      failure: null,
      outcome: null,
    },
    Next: next,
  });

  b.add('ValidateInput', {
    Type: 'Task',
    Comment:
      'The execution input must be the saga input (the Durable orchestrator checks the same schema). A malformed ' +
      'one fails the execution here with ValidationError: not retried, not caught, before any step.',
    Resource: LAMBDA_INVOKE,
    Parameters: {
      FunctionName: functionArnPlaceholder(definition.inputValidator),
      Payload: { 'input.$': '$' },
    },
    ResultPath: null,
    TimeoutSeconds: 30,
    Retry: [
      { ErrorEquals: definition.nonRetriableErrors, MaxAttempts: 0 },
      { ErrorEquals: LAMBDA_SERVICE_ERRORS, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 },
    ],
    Next: 'Start',
  });

  return {
    Comment: `${definition.name} saga, generated from saga/definition by aws-stepfunctions/generator (npm run generate). Do not edit.`,
    StartAt: 'ValidateInput',
    States: orderStates(b.states, 'ValidateInput'),
  };
}

/** States in the order a reader follows them (breadth-first from StartAt), so diffs of the file stay readable. */
function orderStates(states: Record<string, State>, start: string): Record<string, State> {
  const ordered: Record<string, State> = {};
  const queue = [start];
  while (queue.length) {
    const name = queue.shift()!;
    if (ordered[name] || !states[name]) continue;
    const s = states[name];
    ordered[name] = s;
    const targets: string[] = [];
    if ('Next' in s && s.Next) targets.push(s.Next);
    if (s.Type === 'Choice') targets.push(...s.Choices.map((c) => c.Next), s.Default);
    if (s.Type === 'Task') targets.push(...(s.Catch ?? []).map((c) => c.Next));
    queue.push(...targets);
  }
  const unreachable = Object.keys(states).filter((n) => !ordered[n]);
  if (unreachable.length) throw new Error(`Generated states nobody reaches: ${unreachable.join(', ')}`);
  return ordered;
}
