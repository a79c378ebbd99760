/** Severity of a log line, least severe first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** The least severe level printed, or `silent` for nothing. */
export type LogThreshold = LogLevel | 'silent';
/** Where log lines go: the console, a test's list, a file. */
export type LogSink = (level: LogLevel, message: string) => void;

const RANK: Record<LogThreshold, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/**
 * The platform's log: one sink and one threshold for every part. Parts ask `enabled` before building a line that
 * costs something, so a silent platform (a benchmark) formats nothing.
 */
export class PlatformLog {
  constructor(
    private readonly sink: LogSink,
    private readonly threshold: LogThreshold = 'info',
  ) {}

  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.threshold];
  }

  write(level: LogLevel, message: string): void {
    if (this.enabled(level)) this.sink(level, message);
  }

  debug(message: string): void {
    this.write('debug', message);
  }

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string): void {
    this.write('error', message);
  }
}
