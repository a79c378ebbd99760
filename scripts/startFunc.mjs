// `npm run start:func`: the app under Azure Functions Core Tools (`func start`), after the build. Without Core
// Tools on PATH it says what is missing and that `npm start` runs the same app on the embedded platform, instead
// of the shell's bare "func: not found".
import { spawn, spawnSync } from 'node:child_process';
import console from 'node:console';
import process from 'node:process';

const probe = spawnSync('func', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
if (probe.error || probe.status !== 0) {
  console.error(
    [
      'npm run start:func needs Azure Functions Core Tools 4 (the `func` command), which is not on PATH.',
      '  Install it: npm install -g azure-functions-core-tools@4 (or see',
      '  https://learn.microsoft.com/azure/azure-functions/functions-run-local), plus Azurite or an Azure Storage',
      '  account for AzureWebJobsStorage, and a Service Bus namespace for ServiceBusConnection.',
      '  Or run `npm start`: the same app, unmodified, on the embedded platform, with no Core Tools, Docker or .NET.',
    ].join('\n'),
  );
  process.exit(1);
}
const func = spawn('func', ['start', ...process.argv.slice(2)], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
func.on('exit', (code, signal) => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 1)));
