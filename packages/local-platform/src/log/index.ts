export { consoleSink, useColor } from './consoleSink';
export type { ColorSetting, ConsoleStreams } from './consoleSink';
export { executionLog, logOrchestrationChanges, logServiceBusSetAsides } from './executionLog';
export { PlatformLog } from './platformLog';
export type { LogLevel, LogSink, LogThreshold } from './platformLog';
