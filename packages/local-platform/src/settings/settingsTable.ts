import { PLATFORM_SETTINGS, type SettingSpec } from './platformSettings';

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The README's settings table, written from the settings list itself so the two cannot drift. */
export function settingsTable(): string {
  const rows = (Object.values(PLATFORM_SETTINGS) as SettingSpec<unknown>[]).map((spec) => {
    const dflt = spec.defaultText ?? (spec.default === undefined ? '' : spec.kind.show(spec.default));
    return `| \`${spec.name}\` | ${cell(spec.kind.allowed)} | ${cell(dflt)} | ${cell(spec.meaning)} |`;
  });
  return ['| setting | takes | default | what it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
