import type { Engine } from './sagaRun';

/** A payload as text, cut at the caller's limit; `chars` is the whole text's length, so the page can offer the rest. */
export interface PayloadText {
  text: string;
  chars: number;
  truncated: boolean;
}

/** GET /api/ops/sagas/{orderId}/calls: one activity call of a run, fetched when an operator opens it. */
export interface StepCallView {
  orderId: string;
  engine: Engine;
  run: string;
  /** The call's position among the run's activity calls, from 0: the timeline's attempts, in order. */
  call: number;
  activity: string;
  input?: PayloadText;
  output?: PayloadText;
  error?: PayloadText;
}
