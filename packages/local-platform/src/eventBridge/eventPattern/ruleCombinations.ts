// The cap EventBridge puts on the rule combinations of a pattern's $or arrays. Each $or turns the pattern into one
// sub-rule per alternative (compiler.ts builds them as branches), and alternatives of $or arrays at different places
// multiply: `{"a": {"$or": [x, y]}, "b": {"$or": [z, w]}}` is four rules.
//
// Where the limit comes from: event-ruler does not have it (github.com/aws/event-ruler,
// src/main/software/amazon/event/ruler/JsonRuleCompiler.java compiles any number of sub-rules; its only size guard,
// GenericMachine.MAXIMUM_RULE_SIZE, is 256 fields per sub-rule, which no pattern within the 2048-character quota
// reaches). EventBridge rejects a pattern with more than 1000 rule combinations, counted as the product of the
// lengths of its $or arrays, nested ones included; that figure, the way of counting and AWS's wording "over 1000 rule
// combinations" are as the EventBridge emulator of github.com/ministackorg/ministack (ministack/services/eventbridge.py)
// records them. The AWS user guide pages available when this was written did not show it, nor an AWS error message
// for it: the reason below is ours, and states the count, where it comes from and the limit.
//
// The count is taken while the pattern is read, and the pattern is rejected as soon as it is sure to be over the cap,
// before its branches are built: there are never more branches than the product counted so far, while a 2 KB pattern
// of $or arrays could otherwise expand to billions of them.

import { InvalidEventPatternError } from './errors';

export const MAX_RULE_COMBINATIONS = 1000;

/** One `"$or": [...]` of the pattern and the alternatives read from it so far. */
export interface OrArray {
  readonly path: string;
  alternatives: number;
  open: boolean;
}

/** The $or arrays of one pattern, in the order they are opened, and the rule combinations they make so far. */
export class RuleCombinations {
  private readonly arrays: OrArray[] = [];

  /** A `"$or": [` at `path` (the enclosing object's dotted path, '' at the top level) starts. */
  open(path: string): OrArray {
    const array = { path, alternatives: 0, open: true };
    this.arrays.push(array);
    return array;
  }

  /** One more alternative of `array` is about to be read: throws when the pattern is now sure to exceed the cap. */
  addAlternative(array: OrArray): void {
    array.alternatives++;
    if (this.atLeast() > MAX_RULE_COMBINATIONS) throw new InvalidEventPatternError(this.reason());
  }

  close(array: OrArray): void {
    array.open = false;
  }

  /** The product of the alternatives read so far: a lower bound of the final count, exact once every array closed. */
  private atLeast(): number {
    return this.arrays.reduce((product, array) => product * array.alternatives, 1);
  }

  private reason(): string {
    const factors = this.arrays.map(
      (a) => `${a.alternatives}${a.open ? ' or more' : ''} at ${a.path === '' ? 'the top level' : a.path}`,
    );
    return (
      `Event pattern has more than ${MAX_RULE_COMBINATIONS} rule combinations: its $or arrays (alternatives: ` +
      `${factors.join(', ')}) multiply to ${this.atLeast()} or more. Use fewer $or alternatives, or split the ` +
      `pattern into several rules`
    );
  }
}
