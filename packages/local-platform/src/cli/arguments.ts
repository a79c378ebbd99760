import type { LogThreshold } from '../log';

/** Thrown for a command line the CLI cannot use; the message says what is wrong and shows the usage. */
export class CliUsageError extends Error {
  constructor(problem: string) {
    super(`${problem}\n\n${USAGE}`);
    this.name = 'CliUsageError';
  }
}

export const USAGE = `Usage: local-platform [options]

Serves the Azure Functions app in the current folder (or --app) as \`func start\` would, with its durable engine
and the local clouds. Every option also exists as a setting in local.settings.json (see the README).

  --app <folder>        the app: its package.json main, host.json, local.settings.json (default: .)
  --port <n>            HTTP port, 0 for a free one (default: LOCAL_HTTP_PORT or 7071)
  --store <file|memory> durable store (default: LOCAL_DURABLE_STORE or .local/durable.sqlite)
  --log-level <level>   debug, info, warn, error or silent (default: LOCAL_LOG_LEVEL or info)
  --quiet               only warnings and errors (--log-level warn)
  --verbose             everything, the app's debug logs too (--log-level debug)
  --help                this text`;

export interface CliArguments {
  app?: string;
  port?: number;
  store?: string;
  logLevel?: LogThreshold;
  help: boolean;
}

const LEVELS: LogThreshold[] = ['debug', 'info', 'warn', 'error', 'silent'];
const VALUED = new Set(['app', 'port', 'store', 'log-level']);
const FLAGS: Record<string, Partial<CliArguments>> = {
  quiet: { logLevel: 'warn' },
  verbose: { logLevel: 'debug' },
  help: { help: true },
};

export function parseCliArguments(argv: string[]): CliArguments {
  const out: CliArguments = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new CliUsageError(`Unknown argument "${argv[i]}".`);
    const [, name, inline] = m;
    if (FLAGS[name]) {
      if (inline !== undefined) throw new CliUsageError(`--${name} takes no value.`);
      Object.assign(out, FLAGS[name]);
      continue;
    }
    if (!VALUED.has(name)) throw new CliUsageError(`Unknown option --${name}.`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new CliUsageError(`--${name} needs a value.`);
    if (name === 'app') out.app = value;
    else if (name === 'store') out.store = value;
    else if (name === 'port') {
      const port = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!(port >= 0 && port <= 65_535)) throw new CliUsageError(`--port ${value}: give a port from 0 to 65535.`);
      out.port = port;
    } else {
      if (!LEVELS.includes(value as LogThreshold))
        throw new CliUsageError(`--log-level ${value}: give one of ${LEVELS.join(', ')}.`);
      out.logLevel = value as LogThreshold;
    }
  }
  return out;
}
