/**
 * Typed errors of the local Lambda runtime's template handling. They are thrown while the platform starts (a
 * template it cannot read, a reference it cannot resolve), so each message says what, where and how to fix it.
 * Failures of an invocation are never thrown: they are `LambdaInvokeResult`s (see `invoke.ts`).
 */
export class SamTemplateError extends Error {
  constructor(
    message: string,
    /** The template file, when known. */
    readonly templatePath?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The template text is not valid YAML/JSON, or uses a tag or shape the reader does not understand. */
export class TemplateParseError extends SamTemplateError {}

/** A resource's properties are missing or of the wrong type (e.g. a function without `Handler`). */
export class TemplatePropertyError extends SamTemplateError {
  constructor(
    message: string,
    /** Dotted location in the template, e.g. `Resources.ChargePayment.Properties.Handler`. */
    readonly location: string,
    templatePath?: string,
  ) {
    super(message, templatePath);
  }
}

/**
 * An intrinsic function or reference that cannot be resolved locally: an unknown logical id, a parameter with
 * neither an override nor a default, an attribute the local runtime does not model, or a malformed intrinsic.
 */
export class TemplateReferenceError extends SamTemplateError {
  constructor(
    message: string,
    /** The reference as written, e.g. `!Ref PaymentTableName` or `!GetAtt ChargePayment.Arn`. */
    readonly reference: string,
    /** Dotted location in the template where the reference appears. */
    readonly location: string,
    templatePath?: string,
  ) {
    super(message, templatePath);
  }
}

/** A state machine definition cannot be read or substituted (missing file, bad JSON, unknown `${Placeholder}`). */
export class StateMachineDefinitionError extends SamTemplateError {
  constructor(
    message: string,
    readonly stateMachine: string,
    templatePath?: string,
  ) {
    super(message, templatePath);
  }
}
