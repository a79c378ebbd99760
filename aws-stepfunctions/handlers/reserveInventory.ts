import { reserveInventoryActivity } from '../../activities/reserveInventory';
import { lambdaActivity } from './lambdaActivity';

export const handler = lambdaActivity(reserveInventoryActivity);
