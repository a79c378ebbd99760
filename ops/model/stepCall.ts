/** One activity call of a run as its engine recorded it: what the saga sent, and what came back. */
export interface StepCall {
  activity: string;
  /** Absent when the engine's history does not carry it. */
  input?: unknown;
  output?: unknown;
  /** The failure, as the engine recorded it (type and message). */
  error?: string;
}
