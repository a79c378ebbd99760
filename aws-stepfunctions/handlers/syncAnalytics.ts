import { syncAnalyticsActivity } from '../../activities/syncAnalytics';
import { lambdaActivity } from './lambdaActivity';

export const handler = lambdaActivity(syncAnalyticsActivity);
