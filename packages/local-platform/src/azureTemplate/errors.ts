/** The ARM template cannot be read, or uses something the local platform cannot evaluate: says what and where. */
export class ArmTemplateError extends Error {
  constructor(
    readonly source: string,
    readonly where: string,
    detail: string,
  ) {
    super(`ARM template ${source}, ${where}: ${detail}`);
    this.name = 'ArmTemplateError';
  }
}
