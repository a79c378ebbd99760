import { sendNotificationActivity } from '../../activities/sendNotification';
import { lambdaActivity } from './lambdaActivity';

export const handler = lambdaActivity(sendNotificationActivity);
