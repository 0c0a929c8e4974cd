// Quantities and times as the console shows them, in the current language.
import i18n from "../i18n/index.ts";

/** Cores: millicores under one core (250m), else one decimal (3.5). */
export function cores(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  if (n > 0 && n < 1) return `${Math.round(n * 1000)}m`;
  return `${Number(n.toFixed(1))}`;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** Bytes in binary units, as Kubernetes quantities are usually written (7.6 GiB). */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toFixed(v >= 10 || i === 0 ? 0 : 1))} ${UNITS[i]}`;
}

/** A percentage 0–100 of part over whole; 0 when the whole is unknown or zero. */
export function percent(part: number | null | undefined, whole: number | null | undefined): number {
  if (!part || !whole) return 0;
  return Math.min(100, Math.round((part / whole) * 100));
}

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/**
 * One formatter per language and kind, made on first use: making an Intl
 * formatter costs far more than formatting with it (a table of stale rows
 * spent 50 ms making one per row on a first visit).
 */
const formatters = new Map<string, Intl.RelativeTimeFormat | Intl.DateTimeFormat>();
function formatter<F extends Intl.RelativeTimeFormat | Intl.DateTimeFormat>(kind: string, make: (lang: string) => F): F {
  const key = `${kind} ${i18n.language}`;
  let f = formatters.get(key);
  if (!f) {
    f = make(i18n.language);
    formatters.set(key, f);
  }
  return f as F;
}

/** "3 minutes ago" (or "3分钟前"). */
export function relativeTime(iso: string | undefined, now = Date.now()): string {
  const t = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(t)) return "–";
  const secs = Math.round((t - now) / 1000);
  const fmt = formatter("relative", (lang) => new Intl.RelativeTimeFormat(lang, { numeric: "auto" }));
  for (const [unit, size] of STEPS) if (Math.abs(secs) >= size || unit === "second") return fmt.format(Math.round(secs / size), unit);
  return "–";
}

/** An age as kubectl prints it: 5d, 3h, 12m, 40s. */
export function age(iso: string | undefined, now = Date.now()): string {
  const t = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(t)) return "–";
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

export function dateTime(iso: string | undefined): string {
  const t = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(t)) return "–";
  return formatter("dateTime", (lang) => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "medium" })).format(t);
}
