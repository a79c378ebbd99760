import { chargePaymentActivity } from '../../activities/chargePayment';
import { lambdaActivity } from './lambdaActivity';

export const handler = lambdaActivity(chargePaymentActivity);
