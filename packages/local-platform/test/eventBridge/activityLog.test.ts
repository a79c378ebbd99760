import { describe, expect, it } from 'vitest';
import { ActivityLog, type ActivityRecord } from '../../src/eventBridge/activity';

const record = (n: number): ActivityRecord => ({
  time: new Date(n).toISOString(),
  kind: 'put-accepted',
  eventId: `e${n}`,
});

describe('ActivityLog', () => {
  it('keeps every record, oldest first, until full', () => {
    const log = new ActivityLog(3);
    log.add(record(1));
    log.add(record(2));
    expect(log.list().map((r) => r.eventId)).toEqual(['e1', 'e2']);
  });

  it('keeps the newest records, oldest first, once it has wrapped around (several times)', () => {
    const log = new ActivityLog(3);
    for (let n = 1; n <= 3; n++) log.add(record(n));
    expect(log.list().map((r) => r.eventId)).toEqual(['e1', 'e2', 'e3']);
    log.add(record(4));
    expect(log.list().map((r) => r.eventId)).toEqual(['e2', 'e3', 'e4']);
    for (let n = 5; n <= 11; n++) log.add(record(n));
    expect(log.list().map((r) => r.eventId)).toEqual(['e9', 'e10', 'e11']);
  });

  it('hands out copies, so a reader cannot change what it keeps', () => {
    const log = new ActivityLog(2);
    log.add(record(1));
    log.list()[0]!.eventId = 'changed';
    expect(log.list()[0]!.eventId).toBe('e1');
  });
});
