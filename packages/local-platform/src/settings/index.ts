export { exportToEnvironment, loadSettings, readHostJson, resolveSettingRefs } from './appSettings';
export type { AppSettings, SettingSource } from './appSettings';
export { SettingsError } from './errors';
export { PLATFORM_SETTINGS, readPlatformSettings } from './platformSettings';
export type { PlatformSettingName, PlatformSettings, SettingSpec } from './platformSettings';
export { settingsTable } from './settingsTable';
export { readHostHttpThrottles } from './hostHttpSettings';
export type { HostHttpThrottles } from './hostHttpSettings';
