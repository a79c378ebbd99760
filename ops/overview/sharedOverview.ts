import type { SagaBackend } from '../backends/sagaBackend';
import { overview, Overview } from './overview';

/**
 * The overview of the same engines is computed once at a time: callers arriving while it runs get that answer.
 * Every open dashboard polls it, and a cold Step Functions count describes every execution; without sharing, each
 * poll (and each reload while one runs) would start another walk of every run on the same process.
 */
export class SharedOverview {
  private readonly running = new Map<string, Promise<Overview>>();

  get(backends: SagaBackend[], now: () => Date = () => new Date()): Promise<Overview> {
    const key = backends.map((b) => b.engine).join(',');
    let answer = this.running.get(key);
    if (!answer) {
      answer = overview(backends, now()).finally(() => this.running.delete(key));
      this.running.set(key, answer);
    }
    return answer;
  }
}
