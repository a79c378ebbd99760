import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCfnTemplate } from '../../src/lambda/cfnYaml';
import {
  StateMachineDefinitionError,
  TemplateParseError,
  TemplatePropertyError,
  TemplateReferenceError,
} from '../../src/lambda/errors';
import { IntrinsicResolver, LocalStackContext } from '../../src/lambda/intrinsics';
import { SamTemplate } from '../../src/lambda/samTemplate';

const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'lambda');
const FIXTURE = path.join(FIXTURE_DIR, 'template.yaml');
const CONTEXT: LocalStackContext = {
  region: 'eu-west-2',
  accountId: '111122223333',
  stackName: 'sagas-local',
  parameterOverrides: { TableName: 'orders' },
};

/** A template text parsed as if it lived beside the fixture template. */
const inline = (text: string): SamTemplate => SamTemplate.parse(text, path.join(FIXTURE_DIR, 'inline.yaml'));
const resolverFor = (text: string, context: Partial<LocalStackContext> = {}): IntrinsicResolver =>
  new IntrinsicResolver(inline(text), { ...CONTEXT, ...context });

describe('short-form tags', () => {
  const parse = (yaml: string): unknown => parseCfnTemplate(yaml, 'test.yaml');

  it('map every short form to its long form', () => {
    const doc = parse(`
a: !Ref Param
b: !GetAtt Fn.Arn
c: !GetAtt [Fn, Arn]
d: !GetAtt Bucket.Nested.Attr
e: !Sub 'x-\${AWS::Region}'
f: !Sub ['\${A}-y', { A: !Ref Param }]
g: !Join [',', [a, !Ref Param]]
h: !If [IsProd, 1, 2]
i: !Equals [a, b]
j: !Select [0, [x, y]]
k: !FindInMap [Map, Top, Second]
l: !ImportValue shared-export
m: !Split [',', 'a,b']
n: !Base64 text
o: !Condition IsProd
p: !Not [!Condition IsProd]
q: !And [!Condition A, !Condition B]
r: !Or [!Condition A, !Equals [x, y]]
`);
    expect(doc).toEqual({
      a: { Ref: 'Param' },
      b: { 'Fn::GetAtt': ['Fn', 'Arn'] },
      c: { 'Fn::GetAtt': ['Fn', 'Arn'] },
      d: { 'Fn::GetAtt': ['Bucket', 'Nested.Attr'] },
      e: { 'Fn::Sub': 'x-${AWS::Region}' },
      f: { 'Fn::Sub': ['${A}-y', { A: { Ref: 'Param' } }] },
      g: { 'Fn::Join': [',', ['a', { Ref: 'Param' }]] },
      h: { 'Fn::If': ['IsProd', 1, 2] },
      i: { 'Fn::Equals': ['a', 'b'] },
      j: { 'Fn::Select': [0, ['x', 'y']] },
      k: { 'Fn::FindInMap': ['Map', 'Top', 'Second'] },
      l: { 'Fn::ImportValue': 'shared-export' },
      m: { 'Fn::Split': [',', 'a,b'] },
      n: { 'Fn::Base64': 'text' },
      o: { Condition: 'IsProd' },
      p: { 'Fn::Not': [{ Condition: 'IsProd' }] },
      q: { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] },
      r: { 'Fn::Or': [{ Condition: 'A' }, { 'Fn::Equals': ['x', 'y'] }] },
    });
  });

  it('keep tags on aliased nodes and plain YAML types', () => {
    expect(parse('x: &name !Ref Param\ny: *name\nn: 3\nb: true\ns: "3"')).toEqual({
      x: { Ref: 'Param' },
      y: { Ref: 'Param' },
      n: 3,
      b: true,
      s: '3',
    });
  });

  it('reject unknown tags and malformed short forms with the place they are at', () => {
    expect(() => parse('a: !Reff Param')).toThrow(TemplateParseError);
    expect(() => parse('a: !Reff Param')).toThrow(/!Reff/);
    expect(() => parse('a:\n  b: !GetAtt NoDot')).toThrow(/test\.yaml:2:14.*LogicalId\.Attribute/);
    expect(() => parse('a: !Ref [x, y]')).toThrow(/!Ref at test\.yaml:1:9 needs a logical id/);
  });

  it('read JSON templates and reject ones without a top-level mapping', () => {
    expect(parse('{ "Resources": { "A": { "Ref": "B" } } }')).toEqual({ Resources: { A: { Ref: 'B' } } });
    expect(() => parse('{ "Resources": ')).toThrow(/test\.yaml is not valid JSON/);
    expect(() => parse('- just\n- a list')).toThrow(/must hold a mapping/);
  });
});

describe('the template reader', () => {
  const template = SamTemplate.load(FIXTURE);

  it('lists parameters with their defaults', () => {
    expect(template.parameters.get('Stage')).toEqual({
      name: 'Stage',
      type: 'String',
      default: 'dev',
      allowedValues: ['dev', 'prod'],
    });
    expect(template.parameters.get('TableName')?.default).toBeUndefined();
  });

  it('merges Globals.Function into each function as SAM does', () => {
    const echo = template.functions().find((f) => f.logicalId === 'EchoFunction')!;
    expect(echo.name).toBe('echo-fn');
    expect(echo.functionName).toBe('echo-fn');
    expect(echo.handler).toBe('echo.handler');
    expect(echo.codeUri).toBe('handlers/');
    expect(echo.runtime).toBe('nodejs20.x');
    expect(echo.timeout).toBe(5); // from Globals
    expect(echo.memorySize).toBe(512); // the function's own value wins
    expect(echo.environmentVariables).toEqual({
      STAGE: { Ref: 'Stage' },
      SHARED: 'from-function',
      GLOBAL_ONLY: 'global',
      TABLE: { Ref: 'TableName' },
      FN_ARN: { 'Fn::Sub': '${AWS::Region}:${AWS::AccountId}:${EchoFunction.Arn}' },
      LAMBDA_TEST_PRESET: 'from-template',
    });
    const fail = template.functions().find((f) => f.logicalId === 'FailFunction')!;
    expect(fail.name).toBe('FailFunction');
    expect(fail.functionName).toBeUndefined();
  });

  it('concatenates lists, replaces intrinsics and applies SAM defaults', () => {
    const t = inline(`
Globals:
  Function:
    Layers: [global-layer]
    Tags: { team: sagas }
    Environment: { Variables: { A: !Ref X } }
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.b
      Layers: [own-layer]
      Environment: { Variables: { A: literal } }
`);
    const [fn] = t.functions();
    expect(fn.properties.Layers).toEqual(['global-layer', 'own-layer']);
    expect(fn.properties.Tags).toEqual({ team: 'sagas' });
    expect(fn.environmentVariables).toEqual({ A: 'literal' });
    expect(fn.timeout).toBe(3);
    expect(fn.memorySize).toBe(128);
    expect(fn.functionUrlConfig).toBeUndefined();
  });

  it('knows which functions have a function URL', () => {
    const withUrl = template
      .functions()
      .filter((f) => f.functionUrlConfig)
      .map((f) => f.name);
    expect(withUrl).toEqual(['web', 'web-fail']);
  });

  it('lists state machines with their definition file resolved against the template', () => {
    const [saga] = template.stateMachines();
    expect(saga.logicalId).toBe('OrderSaga');
    expect(saga.name).toBe('order-saga');
    expect(saga.definitionUri).toBe(path.join(FIXTURE_DIR, 'statemachines', 'saga.asl.json'));
    expect(Object.keys(saga.definitionSubstitutions)).toEqual(['EchoArn', 'FailArn', 'Note']);
    expect(saga.policies).toEqual([{ LambdaInvokePolicy: { FunctionName: { Ref: 'EchoFunction' } } }]);
  });

  it('reports shapes it cannot use, naming the place', () => {
    expect(() => inline('Parameters: {}')).toThrow(TemplatePropertyError);
    expect(() => inline('Resources:\n  F:\n    Properties: {}')).toThrow(/Resource F must be a mapping with a Type/);
    expect(() =>
      inline(`
Resources:
  A: { Type: AWS::Serverless::Function, Properties: { FunctionName: same, Handler: a.b } }
  B: { Type: AWS::Serverless::Function, Properties: { FunctionName: same, Handler: a.b } }
`),
    ).toThrow(/A and B both have the local name "same"/);
    expect(() =>
      inline(`
Resources:
  S: { Type: AWS::Serverless::StateMachine, Properties: { DefinitionUri: { Bucket: b, Key: k } } }
`),
    ).toThrow(/cannot read S3 locations/);
  });

  it('says which file it cannot read', () => {
    expect(() => SamTemplate.load(path.join(FIXTURE_DIR, 'absent.yaml'))).toThrow(/absent\.yaml: ENOENT/);
  });
});

describe('intrinsic resolution', () => {
  const template = SamTemplate.load(FIXTURE);
  const resolver = new IntrinsicResolver(template, CONTEXT);

  it('resolves parameters from overrides, then defaults', () => {
    expect(resolver.resolve({ Ref: 'TableName' }, 'x')).toBe('orders');
    expect(resolver.resolve({ Ref: 'Stage' }, 'x')).toBe('dev');
    const prod = new IntrinsicResolver(template, { ...CONTEXT, parameterOverrides: { TableName: 't', Stage: 'prod' } });
    expect(prod.resolve({ Ref: 'Stage' }, 'x')).toBe('prod');
    expect(prod.isCreated('ProdOnlyFunction')).toBe(true);
    expect(resolver.isCreated('ProdOnlyFunction')).toBe(false);
  });

  it('resolves functions to local names and ARNs, and pseudo parameters from the context', () => {
    expect(resolver.resolve({ Ref: 'EchoFunction' }, 'x')).toBe('echo-fn');
    expect(resolver.resolve({ Ref: 'FailFunction' }, 'x')).toBe('FailFunction');
    expect(resolver.resolve({ 'Fn::GetAtt': ['EchoFunction', 'Arn'] }, 'x')).toBe(
      'arn:aws:lambda:eu-west-2:111122223333:function:echo-fn',
    );
    expect(resolver.resolve({ Ref: 'OrderSaga' }, 'x')).toBe(
      'arn:aws:states:eu-west-2:111122223333:stateMachine:order-saga',
    );
    expect(
      resolver.resolve(
        ['AWS::Region', 'AWS::AccountId', 'AWS::StackName', 'AWS::Partition'].map((Ref) => ({ Ref })),
        'x',
      ),
    ).toEqual(['eu-west-2', '111122223333', 'sagas-local', 'aws']);
  });

  it('substitutes parameters, attributes, pseudo parameters, variables and ${!Literal}', () => {
    expect(
      resolver.resolve(
        { 'Fn::Sub': '${Stage}/${TableName}/${EchoFunction.Arn}/${AWS::Region}/${AWS::StackName}/${!Kept}' },
        'x',
      ),
    ).toBe('dev/orders/arn:aws:lambda:eu-west-2:111122223333:function:echo-fn/eu-west-2/sagas-local/${Kept}');
    expect(resolver.resolve({ 'Fn::Sub': ['${Name}-${Stage}', { Name: { Ref: 'EchoFunction' } }] }, 'x')).toBe(
      'echo-fn-dev',
    );
  });

  it('evaluates the other functions and conditions', () => {
    const r = resolverFor(
      `
Parameters:
  Env: { Type: String, Default: test }
  Zones: { Type: CommaDelimitedList, Default: 'a, b' }
Mappings:
  Sizes: { test: { Memory: 256 } }
Conditions:
  IsTest: !Equals [!Ref Env, test]
  NotTest: !Not [!Condition IsTest]
  Both: !And [!Condition IsTest, !Equals [1, '1']]
  Either: !Or [!Condition NotTest, !Condition Both]
Resources: {}
`,
      { importValues: { 'shared-bus': 'bus-arn' } },
    );
    const cases: [unknown, unknown][] = [
      [{ 'Fn::Join': ['-', ['a', { Ref: 'Env' }, 3]] }, 'a-test-3'],
      [{ 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] }, 'y'],
      [{ Ref: 'Zones' }, ['a', 'b']],
      [{ 'Fn::Base64': 'hi' }, 'aGk='],
      [{ 'Fn::If': ['IsTest', 'yes', 'no'] }, 'yes'],
      [{ 'Fn::If': ['NotTest', 'yes', 'no'] }, 'no'],
      [{ 'Fn::If': ['Either', 'yes', 'no'] }, 'yes'],
      [{ 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'Memory'] }, 256],
      [{ 'Fn::ImportValue': 'shared-bus' }, 'bus-arn'],
      [{ a: { 'Fn::If': ['NotTest', 1, { Ref: 'AWS::NoValue' }] }, b: [1, { Ref: 'AWS::NoValue' }] }, { b: [1] }],
    ];
    for (const [input, expected] of cases) expect(resolver(r, input)).toEqual(expected);

    function resolver(res: IntrinsicResolver, value: unknown): unknown {
      return res.resolve(value, 'Resources.X.Properties.Value');
    }
  });

  it('names the reference and where it is when it cannot resolve it', () => {
    const noOverride = new IntrinsicResolver(template, { ...CONTEXT, parameterOverrides: {} });
    const error = catchError(() =>
      noOverride.resolve({ Ref: 'TableName' }, 'Resources.EchoFunction.Properties.Environment.Variables.TABLE'),
    );
    expect(error).toBeInstanceOf(TemplateReferenceError);
    expect(error).toMatchObject({
      reference: '!Ref TableName',
      location: 'Resources.EchoFunction.Properties.Environment.Variables.TABLE',
    });
    expect(error.message).toMatch(/parameter TableName has no Default.*parameterOverrides: \{ TableName/);

    const unknown = catchError(() => resolver.resolve({ 'Fn::Sub': 'x-${Nope}' }, 'Outputs.A.Value'));
    expect(unknown).toMatchObject({ reference: '!Sub ${Nope}', location: 'Outputs.A.Value' });
    expect(unknown.message).toMatch(/names neither a parameter nor a resource/);

    expect(() => resolver.resolve({ 'Fn::GetAtt': ['Missing', 'Arn'] }, 'x')).toThrow(/has no resource Missing/);
    expect(() => resolver.resolve({ 'Fn::GetAtt': ['EchoFunction', 'Version'] }, 'x')).toThrow(
      /does not model Version of EchoFunction.*resourceValues/,
    );
    expect(() => resolver.resolve({ 'Fn::ImportValue': 'other-stack-export' }, 'x')).toThrow(/importValues/);
    expect(() => resolver.resolve({ 'Fn::If': ['Nope', 1, 2] }, 'x')).toThrow(
      /Condition Nope used at x is not declared/,
    );
    expect(() => resolver.resolve({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }, 'x')).toThrow(/not supported/);
    const bad = new IntrinsicResolver(template, { ...CONTEXT, parameterOverrides: { TableName: 't', Stage: 'qa' } });
    expect(() => bad.resolve({ Ref: 'Stage' }, 'x')).toThrow(/"qa", which is not one of its AllowedValues/);
  });

  it('uses stand-ins for resources it does not model', () => {
    const r = resolverFor('Resources:\n  Queue: { Type: AWS::SQS::Queue }', {
      resourceValues: { 'Queue.Arn': 'arn:aws:sqs:eu-west-2:111122223333:q' },
    });
    expect(r.resolve({ Ref: 'Queue' }, 'x')).toBe('Queue');
    expect(r.resolve({ 'Fn::GetAtt': ['Queue', 'Arn'] }, 'x')).toBe('arn:aws:sqs:eu-west-2:111122223333:q');
  });

  it('resolves a function into the settings the runtime uses', () => {
    const echo = resolver.resolveFunction(template.functions().find((f) => f.logicalId === 'EchoFunction')!);
    expect(echo).toEqual({
      logicalId: 'EchoFunction',
      name: 'echo-fn',
      arn: 'arn:aws:lambda:eu-west-2:111122223333:function:echo-fn',
      codeDir: path.join(FIXTURE_DIR, 'handlers'),
      handler: 'echo.handler',
      runtime: 'nodejs20.x',
      timeoutSeconds: 5,
      memorySize: 512,
      environment: {
        STAGE: 'dev',
        SHARED: 'from-function',
        GLOBAL_ONLY: 'global',
        TABLE: 'orders',
        FN_ARN: 'eu-west-2:111122223333:arn:aws:lambda:eu-west-2:111122223333:function:echo-fn',
        LAMBDA_TEST_PRESET: 'from-template',
      },
      functionUrl: undefined,
    });
    const slow = resolver.resolveFunction(template.functions().find((f) => f.logicalId === 'SlowFunction')!);
    expect(slow.timeoutSeconds).toBe(2); // !Ref SlowTimeout (a Number parameter)
    const web = resolver.resolveFunction(template.functions().find((f) => f.name === 'web')!);
    expect(web.functionUrl).toEqual({ authType: 'NONE', invokeMode: 'BUFFERED' });
  });

  it('rejects function settings Lambda would reject', () => {
    const r = resolverFor(`
Resources:
  F: { Type: AWS::Serverless::Function, Properties: { Handler: a.b, Timeout: 901 } }
  G: { Type: AWS::Serverless::Function, Properties: { CodeUri: { Bucket: b, Key: k }, Handler: a.b } }
  H: { Type: AWS::Serverless::Function, Properties: { CodeUri: src } }
`);
    const [f, g, h] = r.template.functions();
    expect(() => r.resolveFunction(f)).toThrow(/Timeout must be a number from 1 to 900/);
    expect(() => r.resolveFunction(g)).toThrow(/cannot fetch S3 code/);
    expect(() => r.resolveFunction(h)).toThrow(/H has no Handler/);
  });
});

describe('state machine definitions', () => {
  const template = SamTemplate.load(FIXTURE);
  const resolver = new IntrinsicResolver(template, CONTEXT);

  it('reads DefinitionUri and applies DefinitionSubstitutions, escaped for JSON', () => {
    const definition = resolver.resolveDefinition(template.stateMachines()[0]);
    expect(definition).toEqual({
      Comment: 'quote " and backslash \\ survive',
      StartAt: 'Echo',
      States: {
        Echo: { Type: 'Task', Resource: 'arn:aws:lambda:eu-west-2:111122223333:function:echo-fn', Next: 'Fail' },
        Fail: { Type: 'Task', Resource: 'arn:aws:lambda:eu-west-2:111122223333:function:FailFunction', End: true },
      },
    });
  });

  it('names every placeholder without a substitution', () => {
    const t = inline(`
Resources:
  Saga:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachines/unsubstituted.asl.json
      DefinitionSubstitutions: { ChargeArn: arn:charge }
`);
    const error = catchError(() => new IntrinsicResolver(t, CONTEXT).resolveDefinition(t.stateMachines()[0]));
    expect(error).toBeInstanceOf(StateMachineDefinitionError);
    expect(error.message).toMatch(/uses \$\{NotifyArn\} but DefinitionSubstitutions has no value for it/);
    expect(error.message).not.toMatch(/\$\{ChargeArn\}/);
  });

  it('resolves intrinsics inside an inline Definition', () => {
    const t = inline(`
Resources:
  Fn: { Type: AWS::Serverless::Function, Properties: { Handler: a.b } }
  Saga:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: A
        States:
          A: { Type: Task, Resource: !GetAtt Fn.Arn, Comment: '\${Note}', End: true }
      DefinitionSubstitutions: { Note: hello }
`);
    const definition = new IntrinsicResolver(t, CONTEXT).resolveDefinition(t.stateMachines()[0]);
    expect(definition.States).toEqual({
      A: { Type: 'Task', Resource: 'arn:aws:lambda:eu-west-2:111122223333:function:Fn', Comment: 'hello', End: true },
    });
  });

  it('says how to fix a definition file that is missing', () => {
    const t = inline(`
Resources:
  Saga: { Type: AWS::Serverless::StateMachine, Properties: { DefinitionUri: statemachines/none.asl.json } }
`);
    expect(() => new IntrinsicResolver(t, CONTEXT).resolveDefinition(t.stateMachines()[0])).toThrow(
      /cannot read DefinitionUri .*none\.asl\.json \(ENOENT\)/,
    );
  });
});

function catchError(fn: () => unknown): Error & Record<string, unknown> {
  try {
    fn();
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected an error');
}
