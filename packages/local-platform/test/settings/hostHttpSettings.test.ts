// host.json extensions.http throttles: what the Functions host accepts is read, anything else stops start-up with
// the key, the value and what it must be.
import { describe, expect, it } from 'vitest';
import { readHostHttpThrottles, SettingsError } from '../../src/settings';

describe('host.json extensions.http throttles', () => {
  it('reads the limits and the dynamic throttles switch; an absent section leaves every limit unbounded', () => {
    expect(readHostHttpThrottles(undefined)).toEqual({});
    expect(
      readHostHttpThrottles({ maxConcurrentRequests: 100, maxOutstandingRequests: -1, dynamicThrottlesEnabled: true }),
    ).toEqual({ maxConcurrentRequests: 100, maxOutstandingRequests: -1, dynamicThrottlesEnabled: true });
  });

  it.each([
    [{ maxOutstandingRequests: 0 }, /maxOutstandingRequests is 0; it must be a whole number of at least 1, or -1/],
    [{ maxConcurrentRequests: '10' }, /maxConcurrentRequests is "10"/],
    [{ maxConcurrentRequests: 2.5 }, /maxConcurrentRequests is 2.5/],
    [{ dynamicThrottlesEnabled: 'yes' }, /dynamicThrottlesEnabled is "yes"; it must be true or false/],
    [[], /extensions.http must be an object/],
  ])('refuses %j with a message naming the key and what it takes', (section, message) => {
    expect(() => readHostHttpThrottles(section)).toThrow(SettingsError);
    expect(() => readHostHttpThrottles(section)).toThrow(message);
  });
});
