/**
 * The subset of the Amazon States Language the generator emits, typed so a misspelt field fails to compile.
 * JSONPath ("…$") keys are allowed in payload templates; their values are paths or intrinsic calls.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  ResultPath?: string;
  Next: string;
}

interface Transition {
  Next?: string;
  End?: true;
}

export interface TaskState extends Transition {
  Type: 'Task';
  Comment?: string;
  Resource: string;
  Parameters: { [key: string]: Json };
  ResultSelector?: { [key: string]: Json };
  /** null: the task's result is dropped and the state's input passes on unchanged. */
  ResultPath?: string | null;
  /** Exactly one of the two: a fixed deadline, or one read from the state (a wait resumed with the time left). */
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface PassState extends Transition {
  Type: 'Pass';
  Comment?: string;
  InputPath?: string;
  Parameters?: { [key: string]: Json };
  Result?: Json;
  ResultPath?: string;
}

export type ChoiceRule = { Next?: string } & (
  | { Variable: string; [operator: string]: Json | undefined }
  | { And: ChoiceRule[] }
  | { Or: ChoiceRule[] }
  | { Not: ChoiceRule }
);

export interface ChoiceState {
  Type: 'Choice';
  Comment?: string;
  Choices: (ChoiceRule & { Next: string })[];
  Default: string;
}

export interface SucceedState {
  Type: 'Succeed';
  Comment?: string;
  OutputPath?: string;
}

export interface FailState {
  Type: 'Fail';
  Comment?: string;
  Error: string;
  CausePath?: string;
  Cause?: string;
}

export type State = TaskState | PassState | ChoiceState | SucceedState | FailState;

export interface StateMachine {
  Comment: string;
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, State>;
}
