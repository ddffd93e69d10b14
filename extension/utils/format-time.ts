const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Local calendar day of a timestamp, for grouping messages. */
export function dayKey(ts: string | number | Date): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** `14:05` or `2:05 PM`, as the user's locale writes it (no padded hour in 12-hour locales). */
export function formatClock(ts: string): string {
  return new Date(ts).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
}

/** Day separator text: Today, Yesterday, or a date. */
export function formatDay(ts: string, now = Date.now()): string {
  const key = dayKey(ts);
  if (key === dayKey(now)) return 'Today';
  if (key === dayKey(now - DAY)) return 'Yesterday';
  const d = new Date(ts);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString(undefined, { weekday: sameYear ? 'short' : undefined, day: 'numeric', month: 'short', year: sameYear ? undefined : 'numeric' });
}

/** Time next to a contact's last message or a search result: clock today, else a short date (with the year when it is not this one). */
export function formatPreviewTime(ts: string, now = Date.now()): string {
  if (dayKey(ts) === dayKey(now)) return formatClock(ts);
  if (dayKey(ts) === dayKey(now - DAY)) return 'Yesterday';
  const sameYear = new Date(ts).getFullYear() === new Date(now).getFullYear();
  return new Date(ts).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: sameYear ? undefined : 'numeric' });
}

/** "last seen 5 min ago" style text for an offline contact. */
export function formatLastSeen(ts: string | null, now = Date.now()): string {
  if (!ts) return 'offline';
  const ago = Math.max(0, now - Date.parse(ts));
  if (ago < MINUTE) return 'last seen just now';
  if (ago < HOUR) return `last seen ${Math.floor(ago / MINUTE)} min ago`;
  if (ago < DAY) return `last seen ${Math.floor(ago / HOUR)} h ago`;
  if (ago < 7 * DAY) return `last seen ${Math.floor(ago / DAY)} d ago`;
  return `last seen ${new Date(ts).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })}`;
}
