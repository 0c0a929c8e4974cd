// Ages as kubectl shows them: apimachinery's duration.HumanDuration, and the
// printers' translateTimestampSince (a zero or missing time reads "<unknown>").

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * A succinct human form of a duration with about 2-3 significant figures:
 * 5s, 119s, 3m2s, 10m, 179m, 3h5m, 47h, 2d3h, 7d, 729d, 2y30d, 8y.
 * Up to one second in the future counts as "0s"; further is "<invalid>".
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

// Go's zero time (0001-01-01T00:00:00Z) is what an unset metav1.Time marshals to.
// Date.UTC maps years 0-99 to the 1900s, so year 1 is set explicitly.
const ZERO_TIME = new Date(0).setUTCFullYear(1, 0, 1);

/** Epoch milliseconds of an RFC 3339 time, or undefined when absent, zero or unparsable. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t) || t <= ZERO_TIME) return undefined;
  return t;
}

/** Age of a timestamp relative to `now`, or "<unknown>" when it is unset. */
export function since(value: unknown, now: number): string {
  const t = parseTime(value);
  return t === undefined ? "<unknown>" : humanDuration(now - t);
}
