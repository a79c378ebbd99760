import type { LogLevel, LogSink } from './platformLog';

export type ColorSetting = 'auto' | 'always' | 'never';

const ESC = '\u001b[';
const paint = (code: string, text: string): string => `${ESC}${code}m${text}${ESC}0m`;
const LEVEL_COLOR: Record<LogLevel, string> = { debug: '90', info: '0', warn: '33', error: '31' };

/** Colours only where a person reads them: a terminal, unless NO_COLOR says otherwise (https://no-color.org). */
export function useColor(setting: ColorSetting, stream: { isTTY?: boolean }): boolean {
  if (setting !== 'auto') return setting === 'always';
  return !!stream.isTTY && !process.env.NO_COLOR;
}

/** Marks outcomes as a terminal shows `func start`'s: green for success, red for failure. */
function highlight(message: string): string {
  return message
    .replace(/\((Succeeded)(?=,)/, (_, w: string) => `(${paint('32', w)}`)
    .replace(/\((Failed)(?=,)/, (_, w: string) => `(${paint('31', w)}`)
    .replace(/→ (Completed)\b/, (_, w: string) => `→ ${paint('32', w)}`)
    .replace(/→ (Failed|Terminated)\b/, (_, w: string) => `→ ${paint('31', w)}`);
}

/** Where the console sink writes; a test passes its own. */
export interface ConsoleStreams {
  out: { write(text: string): unknown; isTTY?: boolean };
  err: { write(text: string): unknown; isTTY?: boolean };
}

/**
 * Lines as `func start` prints them: `[2026-12-06T12:00:00.000Z] Executing 'Functions.x' (…)`, info and debug on
 * stdout, warnings and errors on stderr.
 */
export function consoleSink(
  color: ColorSetting,
  streams: ConsoleStreams = { out: process.stdout, err: process.stderr },
  now: () => Date = () => new Date(),
): LogSink {
  const outColor = useColor(color, streams.out);
  const errColor = useColor(color, streams.err);
  return (level, message) => {
    const toErr = level === 'warn' || level === 'error';
    const colored = toErr ? errColor : outColor;
    const stamp = `[${now().toISOString()}]`;
    let body = message;
    if (colored) body = level === 'info' ? highlight(message) : paint(LEVEL_COLOR[level], message);
    (toErr ? streams.err : streams.out).write(`${colored ? paint('90', stamp) : stamp} ${body}\n`);
  };
}
