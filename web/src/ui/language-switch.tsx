import { language, LANGUAGES, t, type Language } from '../i18n/i18n.js';
import type { Phone } from '../phone.js';

const NAMES: Record<Language, string> = { de: 'Deutsch', en: 'English' };

/** Deutsch / English, remembered on the phone. */
export function LanguageSwitch({ phone }: { phone: Phone }) {
  return (
    <div>
      <label for="language">{t.value.language}</label>
      <select
        id="language"
        value={language.value}
        onChange={(e) => void phone.changeSettings({ language: e.currentTarget.value as Language })}
      >
        {LANGUAGES.map((lang) => (
          <option key={lang} value={lang} lang={lang}>
            {NAMES[lang]}
          </option>
        ))}
      </select>
    </div>
  );
}
