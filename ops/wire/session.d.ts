/** GET /api/ops/session: who the key belongs to, and the saga definition's steps for the step graph. */

export type Role = 'reader' | 'operator';

export interface SagaStepView {
  name: string;
  activity: string;
  compensation?: string;
  critical: boolean;
  awaits?: { event: string; timeoutMs: number };
  runs: 'success' | 'always';
}

export interface Session {
  caller: { name: string; role: Role };
  saga: { name: string; steps: SagaStepView[]; park: { event: string; timeoutMs: number } };
}

/** The error body every ops route answers with (the app's one error shape). */
export interface ErrorBody {
  error: { code: string; message: string; where?: string; fix?: string };
}
