/** Entity addressing as Service Bus spells it: `queue`, `topic/Subscriptions/sub`, `<path>/$DeadLetterQueue`. */

export const DEAD_LETTER_SUFFIX = '$DeadLetterQueue';

export function subscriptionPath(topic: string, subscription: string): string {
  return `${topic}/Subscriptions/${subscription}`;
}

export function deadLetterPath(entityPath: string): string {
  return `${entityPath}/${DEAD_LETTER_SUFFIX}`;
}

/** The lookup key of a path: entity names are case-insensitive, and so is the `Subscriptions` segment. */
export function pathKey(entityPath: string): string {
  return entityPath
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .replace(/\/{2,}/g, '/')
    .toLowerCase();
}
