// The console's times in the language chosen (web/src/lib/format.ts), run in
// Node: its formatters are made once per language, so a switch of language
// must still give that language's words. The expected strings are CLDR's,
// as Intl writes them.
import assert from "node:assert/strict";
import { test } from "node:test";

// i18n/index.ts sets <html lang>: give it the one element it touches. The
// modules are named by variables so that the type check of Node's code,
// which has no DOM, leaves them to web/'s.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
const I18N = "../../web/src/i18n/index.ts";
const FORMAT = "../../web/src/lib/format.ts";
const i18n: { changeLanguage(l: string): Promise<unknown> } = (await import(I18N)).default;
const { dateTime, relativeTime }: { dateTime(iso: string): string; relativeTime(iso: string, now: number): string } = await import(FORMAT);

test("relative and absolute times follow a switch of language and back", async () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  const ago = "2026-03-01T11:57:00Z";
  await i18n.changeLanguage("en");
  assert.equal(relativeTime(ago, now), "3 minutes ago");
  const enDate = dateTime(ago);
  assert.match(enDate, /Mar 1, 2026/);
  await i18n.changeLanguage("zh");
  assert.equal(relativeTime(ago, now), "3分钟前");
  assert.match(dateTime(ago), /2026年3月1日/);
  await i18n.changeLanguage("en");
  assert.equal(relativeTime(ago, now), "3 minutes ago");
  assert.equal(dateTime(ago), enDate);
});
