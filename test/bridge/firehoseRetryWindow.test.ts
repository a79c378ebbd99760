// The Firehose bridge's retries resend whole requests: Service Bus duplicate detection absorbs the repeats only
// while they fall inside the orders topic's window, so the deployed stream must stop retrying before it ends.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../fixtures/orderApp';

/** An ISO 8601 duration of hours, minutes and seconds (`PT10M`, `PT1H30M`), in seconds. */
function isoSeconds(duration: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration);
  if (!m) throw new Error(`Not an hours/minutes/seconds duration: ${duration}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

describe('the Firehose bridge against the orders topic', () => {
  it("stops retrying within the topic's duplicate-detection window", () => {
    const sam = fs.readFileSync(path.join(repoRoot, 'infra/aws/template.yaml'), 'utf8');
    const stream = sam.slice(sam.indexOf('Type: AWS::KinesisFirehose::DeliveryStream'));
    const retrySeconds = Number(/RetryOptions:\s*\n\s*DurationInSeconds:\s*(\d+)/.exec(stream)?.[1]);
    const arm = JSON.parse(fs.readFileSync(path.join(repoRoot, 'infra/azure/azuredeploy.json'), 'utf8')) as {
      resources: { type: string; name: string; properties?: { duplicateDetectionHistoryTimeWindow?: string } }[];
    };
    const topic = arm.resources.find(
      (r) => r.type === 'Microsoft.ServiceBus/namespaces/topics' && r.name.includes("parameters('orderEventsTopic')"),
    );
    const windowSeconds = isoSeconds(topic!.properties!.duplicateDetectionHistoryTimeWindow!);
    expect(retrySeconds).toBeGreaterThan(0);
    expect(retrySeconds).toBeLessThan(windowSeconds);
  });
});
