import { verifyPaymentActivity } from '../../activities/verifyPayment';
import { verificationLambda } from './verificationLambda';

export const handler = verificationLambda(verifyPaymentActivity);
