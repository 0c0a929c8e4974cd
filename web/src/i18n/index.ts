// Translations: English and Simplified Chinese. The choice is made in the
// user menu and remembered in localStorage; the first visit follows the
// browser's language.
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

const htmlLang = (l: string) => (l === "zh" ? "zh-CN" : "en");
document.documentElement.lang = htmlLang(i18n.language);
i18n.on("languageChanged", (l) => {
  document.documentElement.lang = htmlLang(l);
});

export function setLanguage(l: Language): void {
  try {
    localStorage.setItem(KEY, l);
  } catch {}
  void i18n.changeLanguage(l);
}

export default i18n;
