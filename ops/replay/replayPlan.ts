import type { RunQuery } from '../backends/sagaBackend';
import type { Engine } from '../model/sagaRun';
import type {
  ItemResult,
  PlanItem,
  PlanItemsPage,
  ReplayMode,
  ReplayPlan,
  ReplayResults,
  StepPreview,
} from '../wire/replay';

export type { ItemResult, PlanItem, PlanItemsPage, ReplayMode, ReplayPlan, ReplayResults, StepPreview };

/** Which sagas to replay: by order id, or every run matching a filter (the latest run of each order only). */
export interface ReplaySelection {
  orderIds?: string[];
  where?: RunQuery & { engines?: Engine[] };
}
