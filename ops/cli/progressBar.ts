import type { ReplayProgress } from '../replay/replayProgress';
import type { OpsApiClient } from './apiClient';

/** Where a progress line goes: one line, redrawn in place (a terminal), and cleared when done. */
export interface ProgressLine {
  show(text: string): void;
  clear(): void;
}

/** The progress line on stderr when it is a terminal (never into a pipe or a file: those get the summary only). */
export function terminalProgressLine(stream: NodeJS.WriteStream = process.stderr): ProgressLine | undefined {
  if (!stream.isTTY) return undefined;
  return {
    show: (text) => stream.write(`\r${text.slice(0, Math.max(20, (stream.columns ?? 100) - 1))}\x1b[K`),
    clear: () => stream.write('\r\x1b[K'),
  };
}

const WIDTH = 24;

/** `[#########---------------] 120/500  applied 118  skipped 0  failed 2  52.1/s  9 s` */
export function progressText(p: ReplayProgress, elapsedMs: number): string {
  const filled = p.total ? Math.round((p.done / p.total) * WIDTH) : WIDTH;
  const rate = elapsedMs > 0 ? ((p.done * 1000) / elapsedMs).toFixed(1) : '0.0';
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${p.done}/${p.total}  applied ${p.applied}  skipped ${p.skipped}  failed ${p.failed}  ${rate}/s  ${Math.round(elapsedMs / 1000)} s`;
}

/**
 * Polls the apply's progress (GET replays/{planHash}/progress) every `everyMs` and draws it until stopped. Before
 * the apply starts (the plan is checked again first), or when the poll reaches another instance of the app (404),
 * the line says so with the elapsed time. Returns the stop function.
 */
export function watchReplay(
  api: OpsApiClient,
  planHash: string,
  total: number,
  line: ProgressLine,
  everyMs = 500,
): () => void {
  const t0 = Date.now();
  let polling = false;
  const poll = async (): Promise<void> => {
    if (polling) return;
    polling = true;
    try {
      const answer = await api.call('GET', `replays/${planHash}/progress`);
      const elapsed = Date.now() - t0;
      if (answer.status === 200) line.show(progressText(answer.body as ReplayProgress, elapsed));
      else line.show(`checking the plan again, then applying ${total} saga(s)…  ${Math.round(elapsed / 1000)} s`);
    } catch {
      // A failed poll draws nothing: the apply's own answer says how it went.
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(() => void poll(), everyMs);
  return () => {
    clearInterval(timer);
    line.clear();
  };
}
