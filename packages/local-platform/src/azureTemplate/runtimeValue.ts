/**
 * A value only a real deployment knows (`reference(...)` of a resource that does not exist yet, say). The local
 * platform never needs one for the entities it creates; meeting one where it needs a name is an error that says so.
 */
export class RuntimeValue {
  constructor(readonly description: string) {}

  property(name: string): RuntimeValue {
    return new RuntimeValue(`${this.description}.${name}`);
  }

  toString(): string {
    return `<${this.description}>`;
  }
}
