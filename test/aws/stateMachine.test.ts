import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import aslValidator from 'asl-validator';
import { orderSaga } from '../../saga/definition/orderSaga';
import type { SagaDefinition } from '../../saga/definition/types';
import type { ChoiceState, State, StateMachine, TaskState } from '../../aws-stepfunctions/generator/asl';
import { generateStateMachine } from '../../aws-stepfunctions/generator/generateStateMachine';
import { aslFileName, renderStateMachine, SAGAS } from '../../aws-stepfunctions/generator/writeStateMachines';
import { functionArnKey, functionLogicalId, sagaFunctions } from '../../aws-stepfunctions/generator/lambdaFunctions';
import { ORDER_PLACED_RULE } from '../../aws-stepfunctions/orderPlacedRule';
import { IntrinsicResolver, SamTemplate } from '@cross-cloud-sagas/local-platform';
import { repoRoot } from '../fixtures/orderApp';

const machine = generateStateMachine(orderSaga);
const tasks = (m: StateMachine): [string, TaskState][] =>
  Object.entries(m.States).filter((e): e is [string, TaskState] => e[1].Type === 'Task');
const functionOf = (t: TaskState): string => String(t.Parameters.FunctionName);

describe('the generated state machine', () => {
  it.each(SAGAS.map((s) => [s.orchestrator, s] as const))(
    'aws-stepfunctions/%s.asl.json is what the generator writes (run npm run generate after changing the saga)',
    (_name, saga) => {
      const committed = fs.readFileSync(path.join(repoRoot, 'aws-stepfunctions', aslFileName(saga)), 'utf8');
      expect(committed).toBe(renderStateMachine(saga));
    },
  );

  it('passes asl-validator', () => {
    const result = aslValidator(machine as never);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it("gives every step's task its retry policy, per-attempt timeout and the non-retriable errors first", () => {
    for (const step of orderSaga.steps) {
      const task = machine.States[step.name] as TaskState;
      expect(task.Type).toBe('Task');
      expect(task.Resource).toBe('arn:aws:states:::lambda:invoke');
      expect(functionOf(task)).toBe(`\${${functionArnKey(step.activity)}}`);
      expect(task.TimeoutSeconds).toBe(step.attemptTimeoutMs / 1000);
      expect(task.Retry).toEqual([
        { ErrorEquals: orderSaga.nonRetriableErrors, MaxAttempts: 0 },
        {
          ErrorEquals: ['States.ALL'],
          IntervalSeconds: step.retry.firstRetryIntervalMs / 1000,
          MaxAttempts: step.retry.maxAttempts - 1,
          BackoffRate: step.retry.backoffCoefficient,
          MaxDelaySeconds: step.retry.maxRetryIntervalMs / 1000,
          JitterStrategy: 'NONE',
        },
      ]);
      expect(task.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: `${step.name}.Failed` }]);
    }
  });

  it('checks the execution input first, failing the execution on a ValidationError without retry or catch', () => {
    expect(machine.StartAt).toBe('ValidateInput');
    const check = machine.States.ValidateInput as TaskState;
    expect(functionOf(check)).toContain('ValidateOrder');
    expect(check.Parameters.Payload).toEqual({ 'input.$': '$' });
    expect(check.ResultPath).toBeNull();
    expect(check.Retry?.[0]).toEqual({ ErrorEquals: orderSaga.nonRetriableErrors, MaxAttempts: 0 });
    expect(check.Catch).toBeUndefined();
    expect(check.Next).toBe('Start');
  });

  it('waits for the payment confirmation with a task token and the definition timeout', () => {
    const wait = machine.States['chargePayment.Await'] as TaskState;
    expect(wait.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    // The first wait gets the whole timeout; a wait resumed after an unverified confirmation, what is left of it.
    expect(wait.TimeoutSecondsPath).toBe('$.waits.chargePayment.remainingSeconds');
    expect(machine.States['chargePayment.AwaitBegins']).toMatchObject({
      Parameters: { 'startedAt.$': '$$.State.EnteredTime', remainingSeconds: 15 * 60 },
      Next: 'chargePayment.Await',
    });
    expect(wait.Parameters.Payload).toMatchObject({ event: 'PaymentConfirmed', 'taskToken.$': '$$.Task.Token' });
    expect(wait.Catch?.[0]).toEqual({
      ErrorEquals: ['States.Timeout'],
      ResultPath: '$.error',
      Next: 'chargePayment.AwaitTimedOut',
    });
    expect(machine.States['chargePayment.AwaitTimedOut']).toMatchObject({
      Parameters: { reason: 'PaymentConfirmed not received within 15m', uncertain: false },
    });
  });

  it('verifies a confirmation with the gateway before going on, and waits again with the time left when it is not backed', () => {
    const check = machine.States['chargePayment.AwaitCheck'] as ChoiceState;
    expect(check.Choices[0].Next).toBe('chargePayment.VerifyBegins');
    expect(machine.States['chargePayment.VerifyBegins']).toMatchObject({ Next: 'chargePayment.Verify' });
    const verify = machine.States['chargePayment.Verify'] as TaskState;
    expect(functionOf(verify)).toContain('VerifyPayment');
    expect(verify.Parameters.Payload).toMatchObject({
      activity: 'verifyPayment',
      wait: { 'startedAt.$': '$.waits.chargePayment.startedAt', 'now.$': '$$.State.EnteredTime', timeoutSeconds: 900 },
    });
    expect(verify.Catch?.[0].Next).toBe('chargePayment.VerifyFailed');
    expect(machine.States['chargePayment.VerifyCheck']).toMatchObject({
      Choices: [{ Variable: '$.last.value.ok', BooleanEquals: true, Next: 'chargePayment.AwaitDone' }],
      Default: 'chargePayment.Unverified',
    });
    expect(machine.States['chargePayment.AwaitDone']).toMatchObject({ Next: 'finalizeInventory' });
    // Not backed: listed in ignoredEvents, then a wait for the time left, or the wait's timeout when none is.
    expect(machine.States['chargePayment.Unverified']).toMatchObject({
      ResultPath: '$.waits.chargePayment',
      Next: 'chargePayment.Ignored',
    });
    expect(machine.States['chargePayment.Ignored']).toMatchObject({ Next: 'chargePayment.StillWaiting' });
    expect(machine.States['chargePayment.StillWaiting']).toMatchObject({
      Choices: [
        {
          Variable: '$.waits.chargePayment.remainingSeconds',
          NumericGreaterThan: 0,
          Next: 'chargePayment.AwaitAgain',
        },
      ],
      Default: 'chargePayment.AwaitTimedOut',
    });
    expect(machine.States['chargePayment.AwaitAgain']).toMatchObject({ Next: 'chargePayment.Await' });
  });

  it('routes critical failures into compensation, newest step first, and best-effort failures onwards', () => {
    expect(machine.States['chargePayment.RecordFailure']).toMatchObject({ Next: 'chargePayment.FailureLogged' });
    expect(machine.States['chargePayment.FailureLogged']).toMatchObject({ Next: 'chargePayment.ShouldCompensate' });
    expect(machine.States['reserveInventory.FailureLogged']).toMatchObject({
      Next: 'chargePayment.ShouldCompensate',
    });
    expect(machine.States['chargePayment.Compensation.Done']).toMatchObject({
      Next: 'chargePayment.Compensation.Logged',
    });
    expect(machine.States['chargePayment.Compensation.Logged']).toMatchObject({
      Next: 'reserveInventory.ShouldCompensate',
    });
    expect(functionOf(machine.States['chargePayment.Compensation'] as TaskState)).toContain('RefundPayment');
    expect(functionOf(machine.States['reserveInventory.Compensation'] as TaskState)).toContain('ReleaseInventory');
    expect(machine.States['sendNotification.FailureLogged']).toMatchObject({ Next: 'sendNotification.Warn' });
    expect(machine.States['sendNotification.Warn']).toMatchObject({ Next: 'syncAnalytics' });
  });

  it('ends in states named by the outcomes: Completed and Compensated succeed, NeedsAttention fails', () => {
    const terminal = Object.entries(machine.States).filter(([, s]) => s.Type === 'Succeed' || s.Type === 'Fail');
    expect(Object.fromEntries(terminal.map(([n, s]) => [n, s.Type]))).toEqual({
      Completed: 'Succeed',
      Compensated: 'Succeed',
      NeedsAttention: 'Fail',
    });
    expect(machine.States.NeedsAttention).toMatchObject({ Error: 'Saga.NeedsAttention' });
  });

  it('parks for an operator decision with the definition timeout, and retries only what failed', () => {
    const park = machine.States.Park as TaskState;
    expect(park.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(park.TimeoutSeconds).toBe(7 * 24 * 3600);
    expect(machine.States['Park.Decide']).toMatchObject({
      Choices: [{ Next: 'Park.Resolved' }, { Next: 'Park.Retry' }],
      Default: 'Park.Ignored',
    });
    // Either decision is the output's resolution, as Durable records it.
    expect(machine.States['Park.Resolved']).toMatchObject({
      InputPath: '$.decision',
      ResultPath: '$.resolution',
      Next: 'Outcome.Resolved',
    });
    expect(machine.States['Park.Retry']).toMatchObject({
      InputPath: '$.decision',
      ResultPath: '$.resolution',
      Next: 'chargePayment.ShouldCompensate',
    });
    // Anything else is recorded in the state and the execution waits on.
    expect(machine.States['Park.Ignored']).toMatchObject({ ResultPath: '$.ignoredDecision', Next: 'Park' });
  });

  it("ends with Durable's output: lists parsed once from their text, never a map turned into a list", () => {
    // `$.map.*` fails the state on AWS when the map is empty; the lists are JSON text parsed by StringToJson.
    expect(JSON.stringify(machine)).not.toMatch(/\.\*/);
    expect(machine.States.Completed).toMatchObject({ Type: 'Succeed', OutputPath: '$.result' });
    expect(machine.States.Compensated).toMatchObject({ Type: 'Succeed', OutputPath: '$.result' });
    expect(machine.States.Finish).toMatchObject({
      Parameters: {
        'steps.$': "States.StringToJson(States.Format('[{}]', $.log.steps.text))",
        'compensations.$': "States.StringToJson(States.Format('[{}]', $.log.compensations.text))",
      },
      ResultPath: '$.lists',
    });
    // A reason enters the text as JSON (States.JsonToString), so its quotes and backslashes cannot break it.
    expect(machine.States['chargePayment.FailureLogged']).toMatchObject({
      Parameters: {
        steps: {
          'text.$':
            'States.Format(\'{}{}\\{"step":"chargePayment","activity":"chargePayment","status":{},"reason":{}\\}\', ' +
            '$.log.steps.text, $.log.steps.sep, States.JsonToString($.failure.status), States.JsonToString($.failure.reason))',
          sep: ',',
        },
      },
    });
  });

  it('rejects durations Step Functions cannot express and names the offending value', () => {
    const odd: SagaDefinition = {
      ...orderSaga,
      steps: [{ ...orderSaga.steps[0], attemptTimeoutMs: 1500 }],
    };
    expect(() => generateStateMachine(odd)).toThrow(/whole seconds; 1500 ms/);
  });

  it('translates a saga without compensations (nothing to undo, no park states)', () => {
    const plain: SagaDefinition = {
      ...orderSaga,
      steps: orderSaga.steps.filter((s) => !s.compensation).map((s) => ({ ...s, critical: true })),
    };
    const m = generateStateMachine(plain);
    expect(m.States.Park).toBeUndefined();
    expect(aslValidator(m as never).isValid).toBe(true);
  });
});

describe('infra/aws/template.yaml', () => {
  const templatePath = path.join(repoRoot, 'infra/aws/template.yaml');
  const template = SamTemplate.load(templatePath);
  const resolver = new IntrinsicResolver(template, {
    region: 'eu-west-1',
    accountId: '111122223333',
    stackName: 'orders',
    parameterOverrides: Object.fromEntries(
      [...template.parameters.keys()].map((name) => [name, `param-${name}`] as const),
    ),
  });
  const sm = template.stateMachines().find((s) => s.logicalId === 'OrderSagaStateMachine')!;

  it('resolves every placeholder of the state machine to a function of the template', () => {
    const definition = resolver.resolveDefinition(sm);
    const text = JSON.stringify(definition);
    expect(text).not.toMatch(/\$\{[A-Za-z]/);
    const arns = new Set(tasks(definition as unknown as StateMachine).map(([, t]) => functionOf(t)));
    const functionArns = new Set(
      template.functions().map((f) => resolver.functionArn(resolver.resolveFunction(f).name)),
    );
    for (const arn of arns) expect(functionArns, arn).toContain(arn);
    expect(arns.size).toBe(sagaFunctions(orderSaga).length);
  });

  it('gives every function a handler file that exists, built from a source file, and lets the machine invoke exactly those', () => {
    for (const fn of template.functions()) {
      const config = resolver.resolveFunction(fn);
      const [modulePath] = config.handler.split(/\.(?=[^.]+$)/);
      expect(modulePath.startsWith('dist/'), config.handler).toBe(true);
      const source = path.join(repoRoot, modulePath.replace(/^dist\//, '') + '.ts');
      expect(fs.existsSync(source), `${fn.logicalId}: ${source}`).toBe(true);
      expect(fs.existsSync(path.join(config.codeDir, `${modulePath}.js`)), `${modulePath}.js (npm run build)`).toBe(
        true,
      );
    }
    const policies = JSON.stringify((template.resources.get('OrderSagaStateMachine')!.properties as never)['Policies']);
    for (const fn of sagaFunctions(orderSaga)) expect(policies).toContain(functionLogicalId(fn));
  });

  it('declares the OrderPlaced rule the mirror defines, targeting the starter function', () => {
    const starter = template.resources.get(ORDER_PLACED_RULE.TargetFunction)!;
    const events = (
      starter.properties as { Events: Record<string, { Type: string; Properties: Record<string, unknown> }> }
    ).Events;
    const rule = Object.values(events).find((e) => e.Type === 'EventBridgeRule')!;
    expect(rule.Properties.Pattern).toEqual(ORDER_PLACED_RULE.EventPattern);
    expect(rule.Properties.RetryPolicy).toEqual(ORDER_PLACED_RULE.RetryPolicy);
    expect(rule.Properties.RuleName).toBe(ORDER_PLACED_RULE.Name);
  });

  it('keeps secrets out of the template: they come from Secrets Manager', () => {
    const text = fs.readFileSync(templatePath, 'utf8');
    for (const name of ['COSMOS_KEY', 'PAYMENT_GATEWAY_API_KEY', 'PAYMENT_WEBHOOK_SECRET', 'EMAIL_SERVICE_KEY'])
      expect(text).toMatch(new RegExp(`${name}: !Sub '\\{\\{resolve:secretsmanager:`));
  });

  it('names every state the generator emits within ASL limits', () => {
    for (const name of Object.keys(machine.States)) expect(name.length).toBeLessThanOrEqual(80);
    const everyState: State[] = Object.values(machine.States);
    expect(everyState.length).toBeGreaterThan(30);
  });
});
