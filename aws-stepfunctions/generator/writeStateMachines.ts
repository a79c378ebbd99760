import * as fs from 'node:fs';
import * as path from 'node:path';
import { orderSaga } from '../../saga/definition/orderSaga';
import type { SagaDefinition } from '../../saga/definition/types';
import { generateStateMachine } from './generateStateMachine';

/** The state machines this project deploys, each written to `aws-stepfunctions/<orchestrator>.asl.json`. */
export const SAGAS: SagaDefinition[] = [orderSaga];

export function aslFileName(definition: SagaDefinition): string {
  return `${definition.orchestrator}.asl.json`;
}

/** The file's exact text: what `npm run generate` writes and what the drift test compares. */
export function renderStateMachine(definition: SagaDefinition): string {
  return `${JSON.stringify(generateStateMachine(definition), null, 2)}\n`;
}

if (require.main === module) {
  // Run from dist/aws-stepfunctions/generator; write next to the sources.
  const target = path.resolve(__dirname, '..', '..', '..', 'aws-stepfunctions');
  for (const saga of SAGAS) {
    const file = path.join(target, aslFileName(saga));
    fs.writeFileSync(file, renderStateMachine(saga));
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}
