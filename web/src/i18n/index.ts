// Translations: English and Simplified Chinese. The choice is made in the
// user menu and remembered in localStorage, and in a cookie that tells
// kpanda serve which language to render a first page in (ssr/render.tsx);
// the first visit follows the browser's language, as the server does.
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en.ts";
import { zh } from "./zh.ts";

export const LANGUAGES = [
  { code: "en", label: "English" },
  { code: "zh", label: "简体中文" },
] as const;
export type Language = (typeof LANGUAGES)[number]["code"];

const KEY = "kpanda.lang";

function initial(): Language {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === "en" || saved === "zh") return saved;
  } catch {}
  return navigator.language?.toLowerCase().startsWith("zh") ? "zh" : "en";
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: initial(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The cookie kpanda serve reads (src/platform/http/serverRender.ts): not secret, so readable here. */
export const LANGUAGE_COOKIE = "kpanda_lang";

const htmlLang = (l: string) => (l === "zh" ? "zh-CN" : "en");
const remember = (l: string) => {
  document.documentElement.lang = htmlLang(l);
  // biome-ignore lint/suspicious/noDocumentCookie: a fixed code, nothing to escape; the Cookie Store API is not in every browser yet
  document.cookie = `${LANGUAGE_COOKIE}=${l}; Path=/; Max-Age=31536000; SameSite=Strict; Secure`;
};
// kpanda serve's render (no document) sets the language of each page it renders itself.
if (typeof document !== "undefined") {
  remember(i18n.language);
  i18n.on("languageChanged", remember);
}

export function setLanguage(l: Language): void {
  try {
    localStorage.setItem(KEY, l);
  } catch {}
  void i18n.changeLanguage(l);
}

export default i18n;
