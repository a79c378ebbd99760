/** Thrown at start-up when a setting, local.settings.json or host.json cannot be used; the message says how to fix it. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}
