/**
 * ISO-8601 durations as the Service Bus emulator's Config.json writes them (`PT1M`, `P14D`,
 * `P10675199DT2H48M5.4775807S` = .NET TimeSpan.MaxValue, which Service Bus uses for "never").
 */

/** Durations this long (over 10,000 years) mean "never"; they are returned as Infinity. */
const NEVER_MS = 10_000 * 365 * 86_400_000;

const PATTERN =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** Returns milliseconds (Infinity for TimeSpan.MaxValue-like values), or an explanation of what is wrong. */
export function parseIsoDuration(text: string): { ms: number } | { error: string } {
  const trimmed = text.trim();
  const m = PATTERN.exec(trimmed);
  if (!m || /^PT?$/i.test(trimmed) || /T$/i.test(trimmed)) {
    if (/^P[^T]*[YM]/i.test(trimmed)) {
      return { error: `"${text}" uses years or months, which have no fixed length; write days instead (e.g. P30D).` };
    }
    return {
      error: `"${text}" is not an ISO-8601 duration; write e.g. PT30S, PT5M, PT1H, P1D or P1DT12H (format P[nD]T[nH][nM][nS]).`,
    };
  }
  const [, w, d, h, min, s] = m;
  const ms =
    Number(w ?? 0) * 7 * 86_400_000 +
    Number(d ?? 0) * 86_400_000 +
    Number(h ?? 0) * 3_600_000 +
    Number(min ?? 0) * 60_000 +
    Math.round(Number(s ?? 0) * 1000);
  return { ms: ms >= NEVER_MS ? Infinity : ms };
}

/** Formats milliseconds as an ISO-8601 duration for messages (`PT1M30S`). */
export function formatIsoDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'P10675199DT2H48M5.4775807S';
  let rest = ms;
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1000;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : days ? '' : 'T0S'}`;
}
