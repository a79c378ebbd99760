import type { SamTemplate } from './samTemplate';

/**
 * What reading a function's settings or a state machine's definition needs from a template: where it is, and its
 * values with every intrinsic resolved. IntrinsicResolver implements it; the readers depend on this contract rather
 * than on the class, so that the class can offer them as methods (`resolveFunction`, `resolveDefinition`) without
 * the two files importing each other.
 */
export interface TemplateResolver {
  readonly template: Pick<SamTemplate, 'path' | 'dir'>;
  /** Resolves every intrinsic inside `value`; `location` (dotted, e.g. `Resources.X.Properties`) names it in errors. */
  resolve(value: unknown, location: string): unknown;
  /** Resolves `value` and requires a string (numbers and booleans are written as CloudFormation passes them). */
  resolveString(value: unknown, location: string): string;
  /** The ARN a function has in this local account and region. */
  functionArn(functionName: string): string;
}
