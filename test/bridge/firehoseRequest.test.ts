import { describe, expect, it } from 'vitest';
import { firehoseAnswer, MalformedFirehoseRequestError, parseFirehoseRequest } from '../../bridge';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('parseFirehoseRequest', () => {
  it('decodes every record of a Firehose HTTP endpoint request, from text or bytes', () => {
    const body = JSON.stringify({
      requestId: 'r-1',
      timestamp: 1767225600000,
      records: [{ data: b64('{"a":1}') }, { data: b64('é') }],
    });
    for (const input of [body, new TextEncoder().encode(body)]) {
      const request = parseFirehoseRequest(input);
      expect(request.requestId).toBe('r-1');
      expect(request.timestamp).toBe(1767225600000);
      expect(request.records.map((r) => r.toString('utf8'))).toEqual(['{"a":1}', 'é']);
    }
    expect(parseFirehoseRequest('{"requestId":"r","timestamp":0,"records":[]}').records).toEqual([]);
  });

  it.each([
    ['{', '(body)', /not valid JSON/],
    ['[]', '(body)', /must be a JSON object \(got an array\)/],
    ['{"timestamp":0,"records":[]}', 'requestId', /non-empty string/],
    [`{"requestId":"${'r'.repeat(101)}","timestamp":0,"records":[]}`, 'requestId', /101 characters; .* at most 100/],
    ['{"requestId":"r","timestamp":"now","records":[]}', 'timestamp', /milliseconds since the epoch/],
    ['{"requestId":"r","timestamp":0}', 'records', /must be an array/],
    ['{"requestId":"r","timestamp":0,"records":[{"data":1}]}', 'records[0].data', /base64 string \(got number 1\)/],
    [
      '{"requestId":"r","timestamp":0,"records":[{"data":"QQ=="},{"data":"QQ"}]}',
      'records[1].data',
      /not valid base64/,
    ],
  ])('refuses %s naming %s', (body, field, problem) => {
    let error: unknown;
    try {
      parseFirehoseRequest(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MalformedFirehoseRequestError);
    expect((error as MalformedFirehoseRequestError).field).toBe(field);
    expect((error as Error).message).toMatch(problem);
  });
});

describe('firehoseAnswer', () => {
  it("is Firehose's response format: the request id and a timestamp, plus errorMessage on failure", () => {
    expect(firehoseAnswer('r-1', 5)).toEqual({ requestId: 'r-1', timestamp: 5 });
    expect(firehoseAnswer('r-1', 5, 'busy')).toEqual({ requestId: 'r-1', timestamp: 5, errorMessage: 'busy' });
  });
});
