// Intrinsic functions as AWS evaluates them, through the real @aws-sdk/client-sfn against the local endpoint:
// a literal's escapes are undone, a value's characters are kept (aws-local-stepfunctions 3.0.0 alone strips every
// backslash from a result; src/stepFunctions/intrinsicEscapes.ts corrects it).
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LibrarySourceChangedError, withAwsIntrinsicEscapes } from '../../src/stepFunctions/intrinsicEscapes';
import { startStepFunctions, StepFunctionsHarness } from '../fixtures/stepFunctionsServer';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
let h: StepFunctionsHarness;

beforeEach(async () => {
  h = await startStepFunctions();
});
afterEach(async () => {
  await h.close();
});

async function execute(states: Record<string, unknown>, input: unknown): Promise<Record<string, unknown>> {
  const definition = JSON.stringify({ StartAt: Object.keys(states)[0], States: states });
  const { stateMachineArn } = await h.client.send(
    new CreateStateMachineCommand({ name: 'intrinsics', definition, roleArn: ROLE }),
  );
  const { executionArn } = await h.client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  await h.settle();
  const d = await h.client.send(new DescribeExecutionCommand({ executionArn }));
  if (d.status !== 'SUCCEEDED') {
    const events = (await h.client.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
    throw new Error(`${d.status}: ${JSON.stringify(events[events.length - 1])}`);
  }
  return JSON.parse(d.output!) as Record<string, unknown>;
}

const AWKWARD = 'it\'s "quoted", {braced} \\ back\\slashed\nand on two lines';

describe('intrinsic functions', () => {
  it('keep the quotes, backslashes and line breaks of values: JSON text built from them parses back', async () => {
    const out = await execute(
      {
        Append: {
          Type: 'Pass',
          Parameters: {
            'text.$':
              'States.Format(\'{},\\{"reason":{}\\}\', States.JsonToString($.record), States.JsonToString($.reason))',
          },
          ResultPath: '$.log',
          Next: 'Parse',
        },
        Parse: {
          Type: 'Pass',
          Parameters: {
            'list.$': "States.StringToJson(States.Format('[{}]', $.log.text))",
            'formatted.$': "States.Format('why: {}', $.reason)",
          },
          End: true,
        },
      },
      { record: { step: 'charge', reason: AWKWARD }, reason: AWKWARD },
    );
    expect(out).toEqual({
      list: [{ step: 'charge', reason: AWKWARD }, { reason: AWKWARD }],
      formatted: `why: ${AWKWARD}`,
    });
  });

  it("undo a literal's escapes (\\' \\{ \\}) once", async () => {
    const out = await execute(
      {
        F: {
          Type: 'Pass',
          Parameters: { 'text.$': "States.Format('it\\'s \\{{}\\}', $.v)" },
          End: true,
        },
      },
      { v: 'x' },
    );
    expect(out).toEqual({ text: "it's {x}" });
  });

  it('refuse to correct a library source they do not know, saying what to do', () => {
    expect(() => withAwsIntrinsicEscapes('module.exports = {};', 'main.node.cjs')).toThrow(LibrarySourceChangedError);
    expect(() => withAwsIntrinsicEscapes('module.exports = {};', 'main.node.cjs')).toThrow(
      /Pin aws-local-stepfunctions to 3\.0\.0, or update .*intrinsicEscapes\.ts/,
    );
  });
});
