import { releaseInventoryActivity } from '../../activities/releaseInventory';
import { lambdaActivity } from './lambdaActivity';

export const handler = lambdaActivity(releaseInventoryActivity);
