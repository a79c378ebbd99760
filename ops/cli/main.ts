#!/usr/bin/env node
import { OpsApiClient } from './apiClient';
import { parseCommandLine, UsageError } from './args';
import { terminalProgressLine } from './progressBar';
import { VERBS } from './verbs';

const DEFAULT_API = 'http://127.0.0.1:7071/api/ops';

function overview(): string {
  const verbs = Object.entries(VERBS)
    .map(([name, v]) => `  ${name.padEnd(10)} ${v.summary}`)
    .join('\n');
  return `Usage: ops <verb> [options]      (npm run ops -- <verb> …)

Find, inspect and replay order sagas on Azure Durable Functions and AWS Step Functions.

${verbs}

Every verb takes --help, --json, --api URL (default OPS_API_URL, else ${DEFAULT_API}) and --key KEY (default
OPS_KEY): an ops key from the app's OPS_READER_KEYS or OPS_OPERATOR_KEYS.
Exit codes: 0 done, 1 the call or some items failed, 2 bad usage.`;
}

/** Runs one command line; returns the exit code (the output goes to stdout, errors to stderr). */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let line;
  try {
    line = parseCommandLine(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${overview()}\n`);
    return 2;
  }
  if (!line.verb || line.verb === 'help') {
    process.stdout.write(`${overview()}\n`);
    return line.verb || line.options.has('help') ? 0 : 2;
  }
  const verb = VERBS[line.verb];
  if (!verb) {
    process.stderr.write(`"${line.verb}" is not a verb.\n\n${overview()}\n`);
    return 2;
  }
  if (line.options.has('help')) {
    process.stdout.write(`${verb.help}\n`);
    return 0;
  }
  const api = new OpsApiClient(
    (line.options.get('api') as string | undefined) ?? env.OPS_API_URL ?? DEFAULT_API,
    (line.options.get('key') as string | undefined) ?? env.OPS_KEY,
  );
  try {
    const json = line.options.has('json');
    const result = await verb.run(line, api, json, json ? undefined : terminalProgressLine());
    (result.code === 0 ? process.stdout : process.stderr).write(`${result.out}\n`);
    return result.code;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${verb.help}\n`);
      return 2;
    }
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
