/**
 * The page is compiled for the browser apart from the app, so it declares the ops API's answers itself; these
 * checks (by tsc in `npm run lint`, and at run time by vitest) fail when the two drift apart.
 */
import { describe, expect, it } from 'vitest';
import type * as Page from '../../dashboard/browser/apiTypes';
import { ENGINES as PAGE_ENGINES, SAGA_STATES as PAGE_STATES } from '../../dashboard/browser/apiTypes';
import type { AuditEntry } from '../../ops/audit/auditEntry';
import { ENGINES, SAGA_STATES, SagaRun } from '../../ops/model/sagaRun';
import type { TimelineEntry } from '../../ops/model/timeline';
import type { Overview } from '../../ops/overview/overview';
import type { ReplayPlan, ReplayResults } from '../../ops/replay/replayPlan';
import type { OrderView } from '../../ops/show/showOrder';

/** Compiles only when every value the API sends is one the page can read. */
type Reads<PageType, ApiType extends PageType> = ApiType;

export type Checked = [
  Reads<Page.SagaRun, SagaRun>,
  Reads<Page.TimelineEntry, TimelineEntry>,
  Reads<Page.OrderView, OrderView>,
  Reads<Page.ReplayPlan, ReplayPlan>,
  Reads<Page.ReplayResults, ReplayResults>,
  Reads<Page.AuditEntry, AuditEntry>,
  Reads<Page.Overview, Overview>,
];

describe("the dashboard's copy of the ops API types", () => {
  it('lists the same statuses and engines as the ops library', () => {
    expect(PAGE_STATES).toEqual(SAGA_STATES);
    expect(PAGE_ENGINES).toEqual(ENGINES);
  });
});
