import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';

/** The sample orchestration: greets each city in turn. Proves the host end to end before the sagas land. */
const helloSequence: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<string[] | undefined>();
  const cities = Array.isArray(input) && input.length ? input : ['Tokyo', 'Seattle', 'London'];
  const greetings: string[] = [];
  for (const city of cities) {
    greetings.push(yield context.df.callActivity('sayHello', city));
  }
  return greetings;
};

df.app.orchestration('helloSequence', helloSequence);
