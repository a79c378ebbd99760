// The EventBridge event-pattern matcher: the full operator table (for each operator, events that match and events
// that do not), the examples of the AWS user guide ("Amazon EventBridge event patterns", "Content filtering",
// "Comparison operators", arrays, null and empty values), event-ruler's array consistency and $or, and invalid
// patterns with the reason AWS gives (InvalidEventPatternException).
import { describe, expect, it } from 'vitest';
import {
  compileEventPattern,
  InvalidEventPatternError,
  MAX_EVENT_PATTERN_LENGTH,
  MAX_RULE_COMBINATIONS,
  matchesEventPattern,
} from '../../src/eventBridge/eventPattern';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

interface MatchCase {
  readonly name: string;
  readonly pattern: Record<string, Json>;
  readonly event: Record<string, Json>;
  readonly expected: boolean;
}

/** The EC2 state-change example of "Amazon EventBridge event patterns". */
const EC2_EVENT = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

/** The example event the content-filtering examples (and event-ruler's README) are written against. */
const FILTER_EVENT = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, Json>): Record<string, Json> => ({ ...FILTER_EVENT, detail });

function runTable(cases: readonly MatchCase[]): void {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(matchesEventPattern(c.pattern, c.event)).toBe(c.expected);
    // The same pattern given as JSON text compiles to the same matcher.
    expect(compileEventPattern(JSON.stringify(c.pattern)).matches(c.event)).toBe(c.expected);
  });
}

describe('AWS documentation examples', () => {
  runTable([
    {
      name: 'EC2 state-change pattern matches the EC2 example event',
      pattern: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['terminated'] },
      },
      event: EC2_EVENT,
      expected: true,
    },
    {
      name: 'EC2 state-change pattern does not match another state',
      pattern: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['terminated'] },
      },
      event: { ...EC2_EVENT, detail: { ...EC2_EVENT.detail, state: 'running' } },
      expected: false,
    },
    {
      name: 'multiple values: source aws.ec2 or aws.fargate',
      pattern: { source: ['aws.ec2', 'aws.fargate'] },
      event: { ...EC2_EVENT, source: 'aws.fargate' },
      expected: true,
    },
    {
      name: 'arrays: the pattern array intersects the event array',
      pattern: {
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
        ],
      },
      event: {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      expected: true,
    },
    {
      name: 'arrays: no common element',
      pattern: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
      event: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-other'] },
      expected: false,
    },
    {
      name: 'empty string matches "eventVersion": ""',
      pattern: { detail: { eventVersion: [''] } },
      event: { source: 'aws.autoscaling', resources: [], detail: { eventVersion: '', responseElements: null } },
      expected: true,
    },
    {
      name: 'null matches "responseElements": null',
      pattern: { detail: { responseElements: [null] } },
      event: { source: 'aws.autoscaling', resources: [], detail: { eventVersion: '', responseElements: null } },
      expected: true,
    },
    {
      name: 'null and empty string are not interchangeable: [""] does not match null',
      pattern: { detail: { responseElements: [''] } },
      event: { detail: { eventVersion: '', responseElements: null } },
      expected: false,
    },
    {
      name: 'null and empty string are not interchangeable: [null] does not match ""',
      pattern: { detail: { eventVersion: [null] } },
      event: { detail: { eventVersion: '', responseElements: null } },
      expected: false,
    },
    {
      name: 'prefix: time starts with 2017-10-02',
      pattern: { time: [{ prefix: '2017-10-02' }] },
      event: { ...FILTER_EVENT, time: '2017-10-02T18:43:48Z' },
      expected: true,
    },
    {
      name: 'prefix: Auto Scaling events from European regions',
      pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
      event: { source: 'aws.autoscaling', region: 'us-east-1' },
      expected: false,
    },
    {
      name: 'suffix: FileName ends with .png',
      pattern: { FileName: [{ suffix: '.png' }] },
      event: { FileName: 'image.png' },
      expected: true,
    },
    {
      name: 'complex example: prefix + anything-but + numeric',
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
        },
      },
      event: FILTER_EVENT,
      expected: true,
    },
    {
      name: 'complex example fails when one field (x-limit) is excluded',
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
        },
      },
      event: withDetail({ ...FILTER_EVENT.detail, 'x-limit': 300 }),
      expected: false,
    },
    {
      name: 'numeric example: c-count, d-count and x-limit (= 3.018e2)',
      pattern: {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      event: FILTER_EVENT,
      expected: true,
    },
    {
      name: 'cidr: source IP in 10.0.0.0/24',
      pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
      event: FILTER_EVENT,
      expected: true,
    },
    {
      name: 'exists false: matches an event without detail.c-count',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: { 'detail-type': 'EC2 Instance State-change Notification', detail: { state: 'running' } },
      expected: true,
    },
    {
      name: 'exists false: also matches when c-count is not a leaf',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: { detail: { state: 'running', 'c-count': { c1: 100 } } },
      expected: true,
    },
    {
      name: 'comparison operators: And (Location and Day)',
      pattern: { Location: ['New York'], Day: ['Monday'] },
      event: { Location: 'New York', Day: 'Tuesday' },
      expected: false,
    },
    {
      name: 'comparison operators: Or with $or (Location or Day)',
      pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
      event: { Location: 'Boston', Day: 'Monday' },
      expected: true,
    },
    {
      name: 'comparison operators: wildcard on an event bus ARN',
      pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' },
      expected: true,
    },
    {
      name: 'comparison operators: Price more than 10 and at most 20',
      pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
      event: { Price: 20 },
      expected: true,
    },
  ]);
});

describe('exact values', () => {
  runTable([
    { name: 'string equal', pattern: { a: ['x'] }, event: { a: 'x' }, expected: true },
    { name: 'string is case-sensitive', pattern: { a: ['X'] }, event: { a: 'x' }, expected: false },
    { name: 'missing field does not match', pattern: { a: ['x'] }, event: { b: 'x' }, expected: false },
    { name: 'number equals number', pattern: { n: [3.018e2] }, event: { n: 301.8 }, expected: true },
    { name: 'number is compared numerically', pattern: { n: [300.0] }, event: { n: 3e2 }, expected: true },
    { name: 'number does not match its string', pattern: { n: [5] }, event: { n: '5' }, expected: false },
    { name: 'string does not match the number', pattern: { n: ['5'] }, event: { n: 5 }, expected: false },
    {
      name: 'numbers compare to six decimals (AWS: six digits to the right of the decimal point)',
      pattern: { n: [0.1] },
      event: { n: 0.1000001 },
      expected: true,
    },
    { name: 'sixth decimal differs', pattern: { n: [0.1] }, event: { n: 0.100001 }, expected: false },
    {
      name: 'large numbers (account ids) still match exactly',
      pattern: { account: [123456789012] },
      event: { account: 123456789012 },
      expected: true,
    },
    {
      name: 'large numbers that differ do not match',
      pattern: { account: [123456789012] },
      event: { account: 123456789013 },
      expected: false,
    },
    { name: 'true matches true', pattern: { b: [true] }, event: { b: true }, expected: true },
    { name: 'true does not match "true"', pattern: { b: [true] }, event: { b: 'true' }, expected: false },
    { name: 'false does not match true', pattern: { b: [false] }, event: { b: true }, expected: false },
    { name: 'null does not match a missing field', pattern: { v: [null] }, event: {}, expected: false },
    { name: '"" does not match a missing field', pattern: { v: [''] }, event: {}, expected: false },
    {
      name: 'IP address strings match the same address in another notation',
      pattern: { ip: ['2001:db8::1'] },
      event: { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' },
      expected: true,
    },
    { name: 'IP address strings differ', pattern: { ip: ['10.0.0.1'] }, event: { ip: '10.0.0.2' }, expected: false },
    {
      name: 'nested field',
      pattern: { detail: { state: ['running'] } },
      event: FILTER_EVENT,
      expected: true,
    },
    {
      name: 'a leaf pattern does not match an object',
      pattern: { detail: ['running'] },
      event: FILTER_EVENT,
      expected: false,
    },
    {
      name: 'an object pattern does not match a string',
      pattern: { detail: { state: ['running'] } },
      event: { detail: 'running' },
      expected: false,
    },
    {
      name: 'nested arrays of values are flattened',
      pattern: { tags: ['b'] },
      event: { tags: [['a'], ['b', 'c']] },
      expected: true,
    },
    { name: 'an empty array has no value', pattern: { tags: ['a'] }, event: { tags: [] }, expected: false },
    {
      name: 'dotted keys in the pattern address nested objects (event-ruler joins paths with ".")',
      pattern: { detail: { 'state.status': ['running'] } },
      event: { detail: { state: { status: 'running' } } },
      expected: true,
    },
  ]);
});

describe('prefix and suffix', () => {
  runTable([
    { name: 'prefix matches', pattern: { r: [{ prefix: 'eu-' }] }, event: { r: 'eu-west-1' }, expected: true },
    { name: 'prefix differs', pattern: { r: [{ prefix: 'eu-' }] }, event: { r: 'us-east-1' }, expected: false },
    {
      name: 'prefix is case-sensitive',
      pattern: { r: [{ prefix: 'EU-' }] },
      event: { r: 'eu-west-1' },
      expected: false,
    },
    { name: 'prefix only on strings', pattern: { n: [{ prefix: '3' }] }, event: { n: 301.8 }, expected: false },
    {
      name: 'prefix on an array: any element',
      pattern: { r: [{ prefix: 'us-' }] },
      event: { r: ['eu-west-1', 'us-east-1'] },
      expected: true,
    },
    { name: 'empty prefix matches any string', pattern: { r: [{ prefix: '' }] }, event: { r: '' }, expected: true },
    {
      name: 'prefix equals-ignore-case matches other casings',
      pattern: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] },
      event: { service: 'EVENTBRIDGE' },
      expected: true,
    },
    {
      name: 'prefix equals-ignore-case differs',
      pattern: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] },
      event: { service: 'sqs' },
      expected: false,
    },
    { name: 'suffix matches', pattern: { f: [{ suffix: '.png' }] }, event: { f: 'dir/a.png' }, expected: true },
    { name: 'suffix differs', pattern: { f: [{ suffix: '.png' }] }, event: { f: 'a.jpg' }, expected: false },
    { name: 'suffix is case-sensitive', pattern: { f: [{ suffix: '.png' }] }, event: { f: 'a.PNG' }, expected: false },
    { name: 'suffix only on strings', pattern: { n: [{ suffix: '5' }] }, event: { n: 5 }, expected: false },
    {
      name: 'suffix equals-ignore-case matches .PNG',
      pattern: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] },
      event: { FileName: 'photo.PNG' },
      expected: true,
    },
    {
      name: 'suffix equals-ignore-case differs',
      pattern: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] },
      event: { FileName: 'photo.jpg' },
      expected: false,
    },
  ]);
});

describe('equals-ignore-case', () => {
  runTable([
    {
      name: 'other casing',
      pattern: { n: [{ 'equals-ignore-case': 'alice' }] },
      event: { n: 'ALICE' },
      expected: true,
    },
    {
      name: 'whole value only',
      pattern: { n: [{ 'equals-ignore-case': 'alice' }] },
      event: { n: 'Alicia' },
      expected: false,
    },
    {
      name: 'non-ASCII letters',
      pattern: { n: [{ 'equals-ignore-case': 'été' }] },
      event: { n: 'ÉTÉ' },
      expected: true,
    },
    { name: 'only strings', pattern: { n: [{ 'equals-ignore-case': '5' }] }, event: { n: 5 }, expected: false },
  ]);
});

describe('wildcard', () => {
  runTable([
    {
      name: 'dir/*.png matches dir/a.png',
      pattern: { f: [{ wildcard: 'dir/*.png' }] },
      event: { f: 'dir/a.png' },
      expected: true,
    },
    { name: '* spans "/"', pattern: { f: [{ wildcard: 'dir/*.png' }] }, event: { f: 'dir/x/y.png' }, expected: true },
    {
      name: 'wrong extension',
      pattern: { f: [{ wildcard: 'dir/*.png' }] },
      event: { f: 'dir/a.jpg' },
      expected: false,
    },
    { name: 'wrong folder', pattern: { f: [{ wildcard: 'dir/*.png' }] }, event: { f: 'other/a.png' }, expected: false },
    {
      name: 'several wildcards',
      pattern: { s: [{ wildcard: 'Simple*Service' }] },
      event: { s: 'SimpleQueueService' },
      expected: true,
    },
    { name: 'no wildcard: equality', pattern: { s: [{ wildcard: 'abc' }] }, event: { s: 'abcd' }, expected: false },
    { name: '* matches the empty string', pattern: { s: [{ wildcard: '*' }] }, event: { s: '' }, expected: true },
    { name: 'only strings', pattern: { s: [{ wildcard: '*' }] }, event: { s: 5 }, expected: false },
    { name: '\\* is a literal asterisk', pattern: { s: [{ wildcard: 'a\\*b' }] }, event: { s: 'a*b' }, expected: true },
    {
      name: '\\* does not match other text',
      pattern: { s: [{ wildcard: 'a\\*b' }] },
      event: { s: 'axb' },
      expected: false,
    },
    {
      name: '\\\\ is a literal backslash',
      pattern: { s: [{ wildcard: 'a\\\\*' }] },
      event: { s: 'a\\bc' },
      expected: true,
    },
  ]);
});

describe('anything-but', () => {
  const state = (value: Json): Record<string, Json> => withDetail({ ...FILTER_EVENT.detail, state: value });
  runTable([
    {
      name: 'single string: other value',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: FILTER_EVENT,
      expected: true,
    },
    {
      name: 'single string: excluded value',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: state('initializing'),
      expected: false,
    },
    {
      name: 'matches values of other types',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: state(5),
      expected: true,
    },
    {
      name: 'a missing field does not match',
      pattern: { detail: { missing: [{ 'anything-but': 'x' }] } },
      event: FILTER_EVENT,
      expected: false,
    },
    {
      name: 'single number: other value',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: FILTER_EVENT,
      expected: true,
    },
    {
      name: 'single number: excluded value',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 301.8 }] } },
      event: FILTER_EVENT,
      expected: false,
    },
    {
      name: 'string list: not listed',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: FILTER_EVENT,
      expected: true,
    },
    {
      name: 'string list: listed',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: state('stopped'),
      expected: false,
    },
    {
      name: 'number list: listed (300.0)',
      pattern: { n: [{ 'anything-but': [100, 200, 300] }] },
      event: { n: 300.0 },
      expected: false,
    },
    {
      name: 'number list: not listed',
      pattern: { n: [{ 'anything-but': [100, 200, 300] }] },
      event: { n: 301.8 },
      expected: true,
    },
    {
      name: 'prefix: does not start with init',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: FILTER_EVENT,
      expected: true,
    },
    {
      name: 'prefix: starts with init',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: state('initializing'),
      expected: false,
    },
    {
      name: 'prefix list',
      pattern: { detail: { state: [{ 'anything-but': { prefix: ['init', 'error'] } }] } },
      event: state('errored'),
      expected: false,
    },
    {
      name: 'region not in the US',
      pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      event: { Region: 'eu-west-1' },
      expected: true,
    },
    {
      name: 'suffix: ends otherwise',
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      event: { FileName: 'a.jpg' },
      expected: true,
    },
    {
      name: 'suffix: ends with .png',
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      event: { FileName: 'a.png' },
      expected: false,
    },
    {
      name: 'suffix list',
      pattern: { id: [{ 'anything-but': { suffix: ['1234', '6789'] } }] },
      event: { id: 'i-006789' },
      expected: false,
    },
    {
      name: 'equals-ignore-case: other casing is excluded',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'Running' } }] } },
      event: FILTER_EVENT,
      expected: false,
    },
    {
      name: 'equals-ignore-case: different value',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'Stopped' } }] } },
      event: FILTER_EVENT,
      expected: true,
    },
    {
      name: 'equals-ignore-case list',
      pattern: { s: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] },
      event: { s: 'overloaded' },
      expected: false,
    },
    {
      name: 'wildcard: path without /lib/',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: '/usr/bin/x' },
      expected: true,
    },
    {
      name: 'wildcard: path with /lib/',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: '/usr/lib/x' },
      expected: false,
    },
    {
      name: 'wildcard list',
      pattern: { f: [{ 'anything-but': { wildcard: ['*/bin/*.jar', '*/bin/*.class'] } }] },
      event: { f: '/a/bin/b.class' },
      expected: false,
    },
    {
      name: 'on an array: some element is not excluded',
      pattern: { s: [{ 'anything-but': 'stopped' }] },
      event: { s: ['stopped', 'running'] },
      expected: true,
    },
    {
      name: 'on an array: every element is excluded',
      pattern: { s: [{ 'anything-but': 'stopped' }] },
      event: { s: ['stopped', 'stopped'] },
      expected: false,
    },
    {
      name: 'on an empty array: no value',
      pattern: { s: [{ 'anything-but': 'stopped' }] },
      event: { s: [] },
      expected: false,
    },
    {
      name: 'matches null (AWS-validated)',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: state(null),
      expected: true,
    },
    {
      name: 'prefix form matches a number (AWS-validated)',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: state(12),
      expected: true,
    },
    {
      name: 'wildcard form matches a number (AWS-validated)',
      pattern: { f: [{ 'anything-but': { wildcard: '*/dir/*' } }] },
      event: { f: 123 },
      expected: true,
    },
  ]);
});

describe('numeric', () => {
  const n = (value: Json): Record<string, Json> => ({ n: value });
  runTable([
    { name: '> 0, <= 5: 5', pattern: { n: [{ numeric: ['>', 0, '<=', 5] }] }, event: n(5), expected: true },
    { name: '> 0, <= 5: 0', pattern: { n: [{ numeric: ['>', 0, '<=', 5] }] }, event: n(0), expected: false },
    { name: '> 0, <= 5: 5.5', pattern: { n: [{ numeric: ['>', 0, '<=', 5] }] }, event: n(5.5), expected: false },
    { name: '< 10: 9.999', pattern: { n: [{ numeric: ['<', 10] }] }, event: n(9.999), expected: true },
    { name: '< 10: 10', pattern: { n: [{ numeric: ['<', 10] }] }, event: n(10), expected: false },
    { name: '>= 10: 10', pattern: { n: [{ numeric: ['>=', 10] }] }, event: n(10), expected: true },
    { name: '> 10: 10', pattern: { n: [{ numeric: ['>', 10] }] }, event: n(10), expected: false },
    { name: '<= -1: -1', pattern: { n: [{ numeric: ['<=', -1] }] }, event: n(-1), expected: true },
    { name: '>= 0, < 5: 0', pattern: { n: [{ numeric: ['>=', 0, '<', 5] }] }, event: n(0), expected: true },
    { name: '= 100: 100', pattern: { Price: [{ numeric: ['=', 100] }] }, event: { Price: 100 }, expected: true },
    { name: '= 100: 100.5', pattern: { Price: [{ numeric: ['=', 100] }] }, event: { Price: 100.5 }, expected: false },
    {
      name: 'only numbers: "100"',
      pattern: { Price: [{ numeric: ['=', 100] }] },
      event: { Price: '100' },
      expected: false,
    },
    {
      name: 'on an array: some element in range',
      pattern: { n: [{ numeric: ['>', 10] }] },
      event: n([1, 20]),
      expected: true,
    },
    {
      name: 'on an array: no element in range',
      pattern: { n: [{ numeric: ['>', 10] }] },
      event: n([1, 2]),
      expected: false,
    },
    {
      name: 'events beyond the documented +5.0e9 do not match numerically',
      pattern: { n: [{ numeric: ['>', 0] }] },
      event: n(6e9),
      expected: false,
    },
    { name: 'the limit itself is in range', pattern: { n: [{ numeric: ['>', 0] }] }, event: n(5e9), expected: true },
  ]);
});

describe('exists', () => {
  const detail = (d: Record<string, Json>): Record<string, Json> => ({ detail: d });
  runTable([
    {
      name: 'true: present',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: FILTER_EVENT,
      expected: true,
    },
    {
      name: 'true: absent',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: detail({ state: 'x' }),
      expected: false,
    },
    {
      name: 'true: null is a value',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: detail({ 'c-count': null }),
      expected: true,
    },
    {
      name: 'true: an object is not a leaf',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: detail({ 'c-count': { c1: 100 } }),
      expected: false,
    },
    {
      name: 'true: an empty array has no value',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: detail({ 'c-count': [] }),
      expected: false,
    },
    {
      name: 'false: present',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: FILTER_EVENT,
      expected: false,
    },
    {
      name: 'false: null is present',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: detail({ 'c-count': null }),
      expected: false,
    },
    {
      name: 'false: parent object missing',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: { source: 'x' },
      expected: true,
    },
    {
      name: 'false combined with other fields',
      pattern: { source: ['aws.ec2'], detail: { missing: [{ exists: false }], state: ['running'] } },
      event: FILTER_EVENT,
      expected: true,
    },
    {
      name: 'exists: false OR a value',
      pattern: { detail: { state: ['stopped', { exists: false }] } },
      event: FILTER_EVENT,
      expected: false,
    },
  ]);
});

describe('cidr', () => {
  const ip = (value: Json): Record<string, Json> => ({ ip: value });
  runTable([
    {
      name: '10.0.0.0/24: last address',
      pattern: { ip: [{ cidr: '10.0.0.0/24' }] },
      event: ip('10.0.0.255'),
      expected: true,
    },
    {
      name: '10.0.0.0/24: first address',
      pattern: { ip: [{ cidr: '10.0.0.0/24' }] },
      event: ip('10.0.0.0'),
      expected: true,
    },
    {
      name: '10.0.0.0/24: next block',
      pattern: { ip: [{ cidr: '10.0.0.0/24' }] },
      event: ip('10.0.1.0'),
      expected: false,
    },
    {
      name: '10.0.0.0/8 (complex example)',
      pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/8' }] } },
      event: FILTER_EVENT,
      expected: true,
    },
    {
      name: 'host bits in the CIDR are ignored',
      pattern: { ip: [{ cidr: '10.0.0.5/24' }] },
      event: ip('10.0.0.200'),
      expected: true,
    },
    {
      name: 'IPv6 in block',
      pattern: { ip: [{ cidr: '2001:db8::/32' }] },
      event: ip('2001:db8:1234::1'),
      expected: true,
    },
    {
      name: 'IPv6 outside block',
      pattern: { ip: [{ cidr: '2001:db8::/32' }] },
      event: ip('2001:db9::1'),
      expected: false,
    },
    {
      name: 'IPv4 block vs IPv6 address',
      pattern: { ip: [{ cidr: '10.0.0.0/8' }] },
      event: ip('::1'),
      expected: false,
    },
    { name: 'not an IP address', pattern: { ip: [{ cidr: '10.0.0.0/8' }] }, event: ip('10.0.0.x'), expected: false },
    { name: 'only strings', pattern: { ip: [{ cidr: '10.0.0.0/8' }] }, event: ip(10), expected: false },
    {
      name: 'on an array',
      pattern: { ip: [{ cidr: '192.168.0.0/16' }] },
      event: ip(['10.1.1.1', '192.168.3.4']),
      expected: true,
    },
  ]);
});

describe('$or', () => {
  const numericOr: Json = {
    $or: [
      { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
      { 'd-count': [{ numeric: ['<', 10] }] },
      { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
    ],
  };
  runTable([
    {
      name: 'nested in detail: one alternative holds',
      pattern: { detail: numericOr },
      event: withDetail({ 'c-count': 50, 'd-count': 3 }),
      expected: true,
    },
    {
      name: 'nested in detail: none holds',
      pattern: { detail: numericOr },
      event: withDetail({ 'c-count': 50, 'd-count': 30 }),
      expected: false,
    },
    {
      name: 'source AND (metricName OR namespace)',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      event: { source: 'aws.cloudwatch', namespace: 'AWS/EC2' },
      expected: true,
    },
    {
      name: 'source AND (...) fails on source',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      event: { source: 'aws.ec2', namespace: 'AWS/EC2' },
      expected: false,
    },
    {
      name: 'an alternative with AND inside needs all its fields',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'] }],
      },
      event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' },
      expected: false,
    },
    {
      name: 'nested $or inside an alternative',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization'] },
          { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        ],
      },
      event: { source: 'aws.cloudwatch', metricType: 'MetricType', spaceId: 1000 },
      expected: true,
    },
    {
      name: 'parallel $or at two levels: both must hold',
      pattern: {
        $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
        detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
      },
      event: { namespace: 'AWS/EC2', detail: { source: 'aws.s3' } },
      expected: false,
    },
  ]);
});

describe('arrays of objects (event-ruler array consistency)', () => {
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  runTable([
    {
      name: 'a field of any element',
      pattern: { employees: { firstName: ['Anna'] } },
      event: employees,
      expected: true,
    },
    {
      name: 'two fields of the same element',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
      event: employees,
      expected: true,
    },
    {
      name: 'two fields of different elements',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      event: employees,
      expected: false,
    },
    {
      name: 'multi-level arrays are crushed',
      pattern: { employees: { firstName: ['Peter'] } },
      event: { employees: [[{ firstName: 'John' }, { firstName: 'Anna' }], [{ firstName: 'Peter' }]] },
      expected: true,
    },
    {
      name: 'exists: false looks at the element chosen so far',
      pattern: { items: { a: ['x'], b: [{ exists: false }] } },
      event: { items: [{ a: 'x' }, { b: 1 }] },
      expected: true,
    },
    {
      name: 'exists: false fails in the chosen element',
      pattern: { items: { a: ['x'], b: [{ exists: false }] } },
      event: { items: [{ a: 'x', b: 1 }] },
      expected: false,
    },
    {
      name: 'fields outside the array are free',
      pattern: { source: ['s'], items: { a: ['x'] } },
      event: { source: 's', items: [{ a: 'y' }, { a: 'x' }] },
      expected: true,
    },
  ]);
});

describe('events that are not objects', () => {
  const pattern = compileEventPattern({ source: [{ exists: false }] });
  it.each([null, undefined, 'text', 42, true, [{ source: 'x' }]])('%j does not match and does not throw', (event) => {
    expect(pattern.matches(event)).toBe(false);
  });
  it('an object event without the field matches, so the cases above are rejected for their type', () => {
    expect(pattern.matches({})).toBe(true);
  });
  it('a cyclic or throwing event does not throw', () => {
    const cyclic: Record<string, unknown> = { source: 'aws.ec2' };
    cyclic.self = cyclic;
    expect(compileEventPattern({ source: ['aws.ec2'] }).matches(cyclic)).toBe(true);
    const throwing = Object.defineProperty({}, 'source', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(compileEventPattern({ source: ['aws.ec2'] }).matches(throwing)).toBe(false);
  });
});

interface InvalidCase {
  readonly name: string;
  readonly pattern: string;
  /** The reason: exactly, or (in the second table) its start, where " at " stands for the location that follows. */
  readonly reason: string;
}

function reasonOf(pattern: string | object): string {
  try {
    compileEventPattern(pattern);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidEventPatternError);
    const error = e as InvalidEventPatternError;
    expect(error.code).toBe('InvalidEventPatternException');
    expect(error.message).toBe(`Event pattern is not valid. Reason: ${error.reason}`);
    return error.reason;
  }
  throw new Error(`expected ${JSON.stringify(pattern)} to be rejected`);
}

/** Jackson's location suffix, which AWS keeps in the message (newline included). */
const at = (source: string, line: number, column: number): string =>
  `\n at [Source: (String)"${source}"; line: ${line}, column: ${column}]`;

describe('invalid patterns', () => {
  const exact: InvalidCase[] = [
    {
      name: 'a leaf that is not an array (the message AWS gives)',
      pattern: '{"source": "aws.ec2"}',
      reason: `"source" must be an object or an array${at('{"source": "aws.ec2"}', 1, 13)}`,
    },
    {
      name: 'an empty object (the message AWS gives)',
      pattern: '{"source": ["aws.health"], "detail": {}}',
      reason: `Empty objects are not allowed${at('{"source": ["aws.health"], "detail": {}}', 1, 40)}`,
    },
    {
      name: 'an empty array',
      pattern: '{"source": []}',
      reason: `Empty arrays are not allowed${at('{"source": []}', 1, 14)}`,
    },
    { name: 'a top-level array', pattern: '[]', reason: `Filter is not an object${at('[]', 1, 2)}` },
    { name: 'a top-level string', pattern: '"aws.ec2"', reason: `Filter is not an object${at('"aws.ec2"', 1, 2)}` },
    { name: 'an empty pattern', pattern: '', reason: `Filter is not an object${at('', 1, 1)}` },
    { name: 'an empty top-level object', pattern: '{}', reason: `Empty objects are not allowed${at('{}', 1, 3)}` },
    {
      name: 'malformed CIDR (no location, as event-ruler)',
      pattern: '{"ip": [{"cidr": "10.0.0.0"}]}',
      reason: "Malformed CIDR, one '/' required",
    },
    {
      name: 'CIDR mask too large',
      pattern: '{"ip": [{"cidr": "10.0.0.0/33"}]}',
      reason: 'IPv4 mask bits must be < 32',
    },
    {
      name: 'CIDR IPv6 mask too large',
      pattern: '{"ip": [{"cidr": "2001:db8::/128"}]}',
      reason: 'IPv6 mask bits must be < 128',
    },
    {
      name: 'CIDR mask not a number',
      pattern: '{"ip": [{"cidr": "10.0.0.0/x"}]}',
      reason: 'Malformed CIDR, mask bits must be an integer',
    },
    {
      name: 'CIDR negative mask',
      pattern: '{"ip": [{"cidr": "10.0.0.0/-1"}]}',
      reason: 'Malformed CIDR, mask bits must not be negative',
    },
    {
      name: 'CIDR with a bad address',
      pattern: '{"ip": [{"cidr": "300.0.0.0/8"}]}',
      reason: 'Invalid IP address: 300.0.0.0',
    },
    {
      name: 'CIDR with a host name',
      pattern: '{"ip": [{"cidr": "example.com/8"}]}',
      reason: 'Nonstandard IP address: example.com',
    },
  ];
  it.each(exact.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(reasonOf(c.pattern)).toBe(c.reason);
  });

  // Patterns and messages recorded from AWS TestEventPattern by LocalStack's AWS-validated test suite
  // (tests/aws/services/events/test_events_patterns.snapshot.json), pattern text as Python's json.dumps writes it.
  const recorded: InvalidCase[] = [
    {
      name: 'AWS: leaf number',
      pattern: '{"int": 42}',
      reason: `"int" must be an object or an array${at('{"int": 42}', 1, 11)}`,
    },
    {
      name: 'AWS: empty array',
      pattern: '{"resources": []}',
      reason: `Empty arrays are not allowed${at('{"resources": []}', 1, 17)}`,
    },
    {
      name: 'AWS: numeric with two lower bounds',
      pattern: '{"detail": {"c-count": [{"numeric": [">", 0, ">", 0]}]}}',
      reason: `Bad numeric range operator: >${at('{"detail": {"c-count": [{"numeric": [">", 0, ">", 0]}]}}', 1, 49)}`,
    },
    {
      name: 'AWS: operators are case-sensitive',
      pattern: '{"my_key": [{"EXISTS": true}]}',
      reason: `Unrecognized match type EXISTS${at('{"my_key": [{"EXISTS": true}]}', 1, 28)}`,
    },
    {
      name: 'AWS: anything-but list with null (event-ruler reports the location twice)',
      pattern: '{"detail": {"state": [{"anything-but": ["stopped", null]}]}}',
      reason:
        'Inside anything but list, start|null|boolean is not supported.' +
        at('{"detail": {"state": [{"anything-but": ["stopped", null]}]}}', 1, 56).repeat(2),
    },
    {
      name: 'AWS: consecutive wildcards',
      pattern: '{"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:**:event-bus/*"}]}',
      reason: `Consecutive wildcard characters at pos 26${at('{"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:**:event-bus/*"}]}', 1, 72)}`,
    },
    {
      name: 'AWS: malformed CIDR',
      pattern: '{"detail": {"sourceIPAddress": [{"cidr": "bad-filter"}]}}',
      reason: "Malformed CIDR, one '/' required",
    },
    {
      name: 'AWS: CIDR with a bad IPv6 address',
      pattern: '{"ip": [{"cidr": "xxxx:db8:1234:1a00::/64"}]}',
      reason: 'Nonstandard IP address: xxxx:db8:1234:1a00::',
    },
    {
      name: 'AWS: a wildcard too complex to evaluate (complexity above 10)',
      pattern: '{"EventBusArn": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}',
      reason:
        'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    },
  ];
  it.each(recorded.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(reasonOf(c.pattern)).toBe(c.reason);
  });

  it('accepts the wildcards AWS accepts, of complexity 10 or less', () => {
    for (const w of [
      'arn:aws:events:us-east-1:*:event-bus/*',
      '/Users/*/dir/dir/dir/dir/dir/doc.txt',
      '*:*:*:*:event-bus/*',
    ]) {
      expect(() => compileEventPattern({ EventBusArn: [{ wildcard: w }] })).not.toThrow();
    }
    expect(reasonOf({ f: [{ wildcard: '*a*a*a*a*a*' }] })).toMatch(/^Rule is too complex/);
  });

  it('reports the line and column in a multi-line pattern (the message AWS gave for a leaf string)', () => {
    const pattern = [
      '{',
      '  "detail-type": [ "Build Started", "Build Finished" ],',
      '  "detail": {',
      '    "pipeline": {',
      '      "slug": "some-pipeline"',
      '    }',
      '  }',
      '}',
    ].join('\n');
    expect(reasonOf(pattern)).toMatch(
      /^"slug" must be an object or an array\n at \[Source: \(String\)"\{\n.*; line: 5, column: 16\]$/s,
    );
  });

  const starts: InvalidCase[] = [
    { name: 'unknown operator', pattern: '{"a": [{"prefixx": "a"}]}', reason: 'Unrecognized match type prefixx at ' },
    {
      name: 'prefix that is not a string',
      pattern: '{"a": [{"prefix": 5}]}',
      reason: 'prefix match pattern must be a string at ',
    },
    {
      name: 'suffix given as a list (CDK issue)',
      pattern: '{"a": [{"suffix": ["created"]}]}',
      reason: 'suffix match pattern must be a string at ',
    },
    {
      name: 'equals-ignore-case not a string',
      pattern: '{"a": [{"equals-ignore-case": true}]}',
      reason: 'equals-ignore-case match pattern must be a string at ',
    },
    {
      name: 'prefix with an unknown modifier',
      pattern: '{"a": [{"prefix": {"ignore-case": "x"}}]}',
      reason: 'Unsupported prefix pattern: ignore-case at ',
    },
    {
      name: 'two operators in one expression',
      pattern: '{"a": [{"prefix": "a", "suffix": "b"}]}',
      reason: 'Only one key allowed in match expression at ',
    },
    { name: 'an empty match expression', pattern: '{"a": [{}]}', reason: 'Match expression name not found at ' },
    {
      name: 'a nested array as a value',
      pattern: '{"a": [["x"]]}',
      reason: 'Match value must be String, number, true, false, or null at ',
    },
    {
      name: 'numeric not an array',
      pattern: '{"a": [{"numeric": 5}]}',
      reason: 'Value of numeric must be an array. at ',
    },
    {
      name: 'numeric without operator',
      pattern: '{"a": [{"numeric": [5]}]}',
      reason: 'Invalid member in numeric match: 5 at ',
    },
    {
      name: 'numeric unknown operator',
      pattern: '{"a": [{"numeric": ["!=", 5]}]}',
      reason: 'Unrecognized numeric range operator: != at ',
    },
    {
      name: 'numeric operand not a number',
      pattern: '{"a": [{"numeric": [">", "5"]}]}',
      reason: 'Value of > must be numeric at ',
    },
    {
      name: 'numeric missing operand',
      pattern: '{"a": [{"numeric": ["="]}]}',
      reason: 'Value of equals must be numeric at ',
    },
    {
      name: 'numeric upper bound first',
      pattern: '{"a": [{"numeric": ["<", 5, ">", 0]}]}',
      reason: 'Too many elements in numeric expression at ',
    },
    {
      name: 'numeric two lower bounds',
      pattern: '{"a": [{"numeric": [">", 0, ">=", 5]}]}',
      reason: 'Bad numeric range operator: >= at ',
    },
    {
      name: 'numeric five terms',
      pattern: '{"a": [{"numeric": [">", 0, "<", 5, "<", 6]}]}',
      reason: 'Too many terms in numeric range expression at ',
    },
    {
      name: 'numeric empty range',
      pattern: '{"a": [{"numeric": [">", 5, "<", 1]}]}',
      reason: 'Bottom must be less than top at ',
    },
    {
      name: 'numeric beyond 5.0e9',
      pattern: '{"a": [{"numeric": ["<", 6e9]}]}',
      reason: 'Value must be between -5.0E9 and 5.0E9, inclusive at ',
    },
    {
      name: 'exists not a boolean',
      pattern: '{"a": [{"exists": "true"}]}',
      reason: 'exists match pattern must be either true or false. at ',
    },
    {
      name: 'consecutive wildcards',
      pattern: '{"a": [{"wildcard": "a**"}]}',
      reason: 'Consecutive wildcard characters at pos 2 at ',
    },
    {
      name: 'bad wildcard escape',
      pattern: '{"a": [{"wildcard": "a\\\\b"}]}',
      reason: 'Invalid escape character at pos 2 at ',
    },
    {
      name: 'anything-but null',
      pattern: '{"a": [{"anything-but": null}]}',
      reason: 'Value of anything-but must be an array or single string/number value. at ',
    },
    {
      name: 'anything-but mixed list',
      pattern: '{"a": [{"anything-but": ["a", 1]}]}',
      reason: 'Inside anything but list, either all values are number or string, mixed type is not supported at ',
    },
    {
      name: 'anything-but unknown modifier',
      pattern: '{"a": [{"anything-but": {"contains": "x"}}]}',
      reason: 'Unsupported anything-but pattern: contains at ',
    },
    {
      name: 'anything-but empty prefix',
      pattern: '{"a": [{"anything-but": {"prefix": ""}}]}',
      reason: 'Null prefix/suffix not allowed at ',
    },
    {
      name: '$or with one alternative',
      pattern: '{"$or": [{"a": ["x"]}]}',
      reason: 'There must have at least 2 Objects in $or relationship. at ',
    },
    {
      name: '$or not an array',
      pattern: '{"$or": {"a": ["x"]}}',
      reason: 'It must be an Array followed with $or. at ',
    },
    {
      name: '$or with a non-object',
      pattern: '{"$or": ["x", {"a": ["y"]}]}',
      reason: 'Only JSON object is allowed in array of $or relationship. at ',
    },
    {
      name: '$or with an operator as field name',
      pattern: '{"$or": [{"numeric": [1]}, {"a": ["y"]}]}',
      reason: 'numeric is Ruler reserved fieldName which cannot be used inside $or. at ',
    },
    {
      name: 'JSON: unquoted field name',
      pattern: '{source: ["x"]}',
      reason: "Unexpected character ('s' (code 115)): was expecting double-quote to start field name at ",
    },
    {
      name: 'JSON: unterminated',
      pattern: '{"source": ["x"]',
      reason: 'Unexpected end-of-input: expected close marker for Object (start marker at [Source:',
    },
  ];
  it.each(starts.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(reasonOf(c.pattern).startsWith(c.reason.replace(/ at $/, '\n at '))).toBe(true);
  });

  it(`rejects a pattern longer than ${MAX_EVENT_PATTERN_LENGTH} characters, and accepts one that long`, () => {
    const make = (length: number): string => {
      const base = '{"source": [""]}';
      return `{"source": ["${'x'.repeat(length - base.length)}"]}`;
    };
    expect(make(MAX_EVENT_PATTERN_LENGTH)).toHaveLength(MAX_EVENT_PATTERN_LENGTH);
    expect(() => compileEventPattern(make(MAX_EVENT_PATTERN_LENGTH))).not.toThrow();
    expect(reasonOf(make(MAX_EVENT_PATTERN_LENGTH + 1))).toBe(
      `Event pattern is ${MAX_EVENT_PATTERN_LENGTH + 1} characters long; the maximum length is ${MAX_EVENT_PATTERN_LENGTH} characters`,
    );
  });

  describe(`at most ${MAX_RULE_COMBINATIONS} rule combinations from $or`, () => {
    /** `{"f0": {"$or": [{"g0": [0]}, ...]}, "f1": ...}`: one $or per field, alternatives multiplying across them. */
    const orFields = (...lengths: number[]): Record<string, Json> =>
      Object.fromEntries(
        lengths.map((n, f) => [`f${f}`, { $or: Array.from({ length: n }, (_, g) => ({ [`g${g}`]: [g] })) }]),
      );

    it('accepts a pattern of exactly 1000 (10 × 10 × 10), which still matches as each alternative says', () => {
      const pattern = orFields(10, 10, 10);
      expect(JSON.stringify(pattern).length).toBeLessThan(MAX_EVENT_PATTERN_LENGTH);
      const compiled = compileEventPattern(pattern);
      expect(compiled.matches({ f0: { g3: 3 }, f1: { g9: 9 }, f2: { g0: 0 } })).toBe(true);
      expect(compiled.matches({ f0: { g3: 3 }, f1: { g9: 8 }, f2: { g0: 0 } })).toBe(false);
    });

    it('rejects 1001 (7 × 11 × 13), naming the $or arrays and the limit', () => {
      expect(reasonOf(orFields(7, 11, 13))).toBe(
        'Event pattern has more than 1000 rule combinations: its $or arrays (alternatives: 7 at f0, 11 at f1, ' +
          '13 or more at f2) multiply to 1001 or more. Use fewer $or alternatives, or split the pattern into several rules',
      );
    });

    it('counts a nested $or by the product of the array lengths, not by the rules it expands to', () => {
      // 2 × 32 × 32 = 2048, though the pattern expands to only 64 rules.
      const nested = {
        $or: [
          { a: { $or: Array.from({ length: 32 }, (_, i) => ({ [`x${i}`]: [i] })) } },
          { b: { $or: Array.from({ length: 32 }, (_, i) => ({ [`y${i}`]: [i] })) } },
        ],
      };
      expect(reasonOf(nested)).toBe(
        'Event pattern has more than 1000 rule combinations: its $or arrays (alternatives: 2 or more at the top ' +
          'level, 32 at a, 16 or more at b) multiply to 1024 or more. Use fewer $or alternatives, or split the pattern ' +
          'into several rules',
      );
    });

    it('rejects a pattern whose $or arrays would expand to millions of rules before building them', () => {
      const started = Date.now();
      expect(reasonOf(orFields(...Array.from({ length: 20 }, () => 2)))).toMatch(
        /^Event pattern has more than 1000 rule combinations: .* multiply to 1024 or more\./,
      );
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  it('checks already-parsed patterns the same way', () => {
    expect(reasonOf({ source: 'aws.ec2' })).toBe(
      `"source" must be an object or an array${at('{"source":"aws.ec2"}', 1, 12)}`,
    );
    expect(reasonOf({ detail: { state: [] } })).toMatch(/^Empty arrays are not allowed\n at /);
  });
});
