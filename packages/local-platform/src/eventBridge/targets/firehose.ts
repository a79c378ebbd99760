import type { AttemptOutcome, DeliveryJob } from './types';

/** What a local Firehose offers EventBridge (LocalFirehose has this method; it throws named AWS errors). */
export interface FirehoseRecordSink {
  /** Resolves once the records are durable in the stream; throws ResourceNotFoundException for an unknown stream. */
  putRecords(streamArn: string, data: readonly Buffer[]): Promise<void>;
}

/**
 * Puts the event (or the shaped input) on a Firehose stream as one record, as EventBridge's Firehose target does:
 * the record's data is the JSON text, nothing added. The delivery counts only once Firehose has stored it; an unknown
 * stream is not retried, anything else (the store failing, the platform stopping) is.
 */
export async function invokeFirehose(
  firehose: FirehoseRecordSink | undefined,
  job: DeliveryJob,
  input: string,
): Promise<AttemptOutcome> {
  if (!firehose)
    return {
      ok: false,
      retryable: false,
      errorCode: 'NO_RESOURCE',
      errorMessage: `No local Firehose is configured, so nothing can be put on ${job.target.Arn}.`,
    };
  try {
    await firehose.putRecords(job.target.Arn, [Buffer.from(input, 'utf8')]);
    return { ok: true, detail: `put on ${job.target.Arn}` };
  } catch (e) {
    const name = (e as Error).name;
    const message = `${name}: ${(e as Error).message}`;
    if (name === 'ResourceNotFoundException' || name === 'InvalidArgumentException')
      return { ok: false, retryable: false, errorCode: 'NO_RESOURCE', errorMessage: message };
    return { ok: false, retryable: true, errorCode: 'SDK_CLIENT_ERROR', errorMessage: message };
  }
}
