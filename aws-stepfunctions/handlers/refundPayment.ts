import { refundPaymentActivity } from '../../activities/refundPayment';
import { lambdaActivity } from './lambdaActivity';

export const handler = lambdaActivity(refundPaymentActivity);
