/** IMAP date forms: date-time for INTERNALDATE/APPEND, date for SEARCH. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "17-Jul-1996 02:44:25 -0700" */
export function formatInternalDate(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000`;
}

export function parseInternalDate(text: string): Date | undefined {
  const match = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [, day, mon, year, hh, mm, ss, sign, zh, zm] = match as unknown as string[];
  const month = MONTHS.findIndex((m) => m.toLowerCase() === (mon as string).toLowerCase());
  if (month < 0) return undefined;
  const offset = (Number(zh) * 60 + Number(zm)) * (sign === '-' ? -1 : 1);
  const utc = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss)) - offset * 60_000;
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** SEARCH date "1-Feb-1994" → UTC midnight in ms. */
export function parseSearchDate(text: string): number | undefined {
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!match) return undefined;
  const month = MONTHS.findIndex((m) => m.toLowerCase() === (match[2] as string).toLowerCase());
  if (month < 0) return undefined;
  return Date.UTC(Number(match[3]), month, Number(match[1]));
}

/** The calendar day of a timestamp (UTC), for SEARCH BEFORE/ON/SINCE. */
export function dayOf(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}
