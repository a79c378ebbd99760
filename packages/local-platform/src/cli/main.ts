#!/usr/bin/env node
import * as path from 'node:path';
import { startPlatform } from '../platform';
import { parseCliArguments, USAGE } from './arguments';

/** `local-platform` (what `npm start` runs): the app on the embedded platform, as `func start` would serve it. */

async function main(): Promise<void> {
  const args = parseCliArguments(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return;
  }
  // As `func start`, the app is the current folder unless --app names another.
  const appRoot = path.resolve(args.app ?? process.cwd());
  const platform = await startPlatform({
    appRoot,
    port: args.port,
    store: args.store,
    logLevel: args.logLevel,
    // As `func start` runs the Node.js worker in a process of its own: the app's work on a second core.
    functionsWorker: 'thread',
  });
  console.log(
    `\nAzure Functions app ${appRoot} on the embedded platform (durable task hub ${platform.taskHub}).\n\nFunctions:\n`,
  );
  for (const line of platform.describeFunctions()) console.log(`        ${line}\n`);
  console.log(
    platform.functionsWorker === 'thread'
      ? "The app's functions run in a worker thread of their own (LOCAL_FUNCTIONS_WORKER=inline runs them in the host's thread).\n"
      : "The app's functions run in the host's thread (LOCAL_FUNCTIONS_WORKER=inline).\n",
  );
  console.log('Local services:');
  console.log(`        Service Bus:         [${platform.serviceBus.entityNames().join(', ')}]`);
  console.log(`          AMQP (SDKs):       ${platform.serviceBusConnectionString}`);
  console.log(`          REST:              ${platform.url}/servicebus`);
  if (platform.clouds.cosmos) console.log(`        Cosmos DB:           ${platform.clouds.cosmos.endpoint}`);
  console.log(`        Payment gateway:     ${platform.url}/payment-gateway/v1`);
  console.log(`        E-mail service:      ${platform.url}/email/emails  (what was sent)`);
  for (const line of platform.aws?.describe(platform.url) ?? []) console.log(`        ${line}`);
  console.log(`Durable HTTP API: ${platform.url}/runtime/webhooks/durabletask/instances`);
  console.log('Press Ctrl+C to stop.');
  let stopping = false;
  const stop = (): void => {
    // A second signal does not wait: every store is crash safe, so what is cut off runs again on the next start.
    if (stopping) process.exit(130);
    stopping = true;
    console.log('Stopping: new HTTP requests get 503, running invocations get a moment to finish (again to quit now).');
    platform.stop().then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exit(1);
});
