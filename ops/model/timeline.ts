/** A run's history as operators read it: each activity attempt, and each wait with its deadline. */

import type { AttemptEntry, TimelineEntry, WaitEntry } from '../wire/timeline';
export type { AttemptEntry, TimelineEntry, WaitEntry };

/** The saga's trace from a timeline: each call once (its first attempt), each wait as `await:<event>`. */
export function traceOf(timeline: TimelineEntry[]): string[] {
  return timeline
    .filter((e) => e.kind === 'wait' || e.attempt === 1)
    .map((e) => (e.kind === 'wait' ? `await:${e.event}` : e.activity));
}
