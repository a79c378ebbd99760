// Errors of the event-pattern compiler.
//
// AWS reports a bad pattern as InvalidEventPatternException with the message
// `Event pattern is not valid. Reason: <reason>`, where <reason> is the message of event-ruler's rule compiler.
// Errors found while reading the JSON carry the Jackson location of the parser when the problem was seen, after a
// newline, e.g. `"source" must be an object or an array\n at [Source: (String)"{"source": "aws.ec2"}"; line: 1, column: 13]`
// (AWS returns the message with the newline; some clients print it on one line).

/** AWS error code InvalidEventPatternException; message says what is wrong and where, with AWS's meaning. */
export class InvalidEventPatternError extends Error {
  readonly code = 'InvalidEventPatternException';
  /** The text after "Reason: ", as event-ruler words it. */
  readonly reason: string;

  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.name = 'InvalidEventPatternError';
    this.reason = reason;
  }
}

/**
 * event-ruler's IllegalArgumentException: a rejected value (a CIDR, an out-of-range number, a wildcard) whose
 * message carries no JSON location until the compiler, in the places where event-ruler does, adds one.
 */
export class PatternArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternArgumentError';
  }
}
