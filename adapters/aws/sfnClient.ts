import { SFNClient } from '@aws-sdk/client-sfn';
import { regionalClient } from './regionalClient';

/** The Step Functions client (see regionalClient for where its settings come from). */
export const sfnClient = regionalClient(
  'AWS_ENDPOINT_URL_SFN',
  'to start and complete saga executions',
  (region) => new SFNClient({ region }),
);
