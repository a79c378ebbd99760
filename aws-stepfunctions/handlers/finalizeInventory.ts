import { finalizeInventoryActivity } from '../../activities/finalizeInventory';
import { lambdaActivity } from './lambdaActivity';

export const handler = lambdaActivity(finalizeInventoryActivity);
