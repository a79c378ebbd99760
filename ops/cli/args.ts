/** A command line as the CLI reads it: the verb, positional words, and `--name value` / `--flag` options. */
export interface CommandLine {
  verb?: string;
  words: string[];
  options: Map<string, string | true>;
}

/** Options that take no value. */
const FLAGS = new Set(['json', 'help', 'yes', 'all', 'counts', 'jsonl']);

/** Thrown for a command line the CLI cannot run: exit code 2 with the message and the verb's help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseCommandLine(argv: string[]): CommandLine {
  const words: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') options.set('help', true);
    else if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
      if (FLAGS.has(name)) options.set(name, true);
      else {
        const value = inline ?? argv[++i];
        if (value === undefined || (inline === undefined && value.startsWith('--')))
          throw new UsageError(`--${name} needs a value.`);
        options.set(name, value);
      }
    } else words.push(arg);
  }
  const [verb, ...rest] = words;
  return { verb, words: rest, options };
}

/** The option's text, or undefined; refuses a bare flag where a value is needed. */
export function optionText(line: CommandLine, name: string): string | undefined {
  const v = line.options.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value.`);
  return v;
}

export function optionNumber(line: CommandLine, name: string): number | undefined {
  const v = optionText(line, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, not "${v}".`);
  return n;
}

/** Refuses options the verb does not take, so a typo is not silently ignored. */
export function onlyOptions(line: CommandLine, allowed: string[]): void {
  for (const name of line.options.keys())
    if (!allowed.includes(name) && !['json', 'help', 'api', 'key'].includes(name))
      throw new UsageError(`${line.verb} does not take --${name}.`);
}
