import { computed, signal } from '@preact/signals';
import { de } from './de.js';
import { en, type Messages } from './en.js';

export type Language = 'de' | 'en';
export const LANGUAGES: readonly Language[] = ['de', 'en'];

const MESSAGES: Record<Language, Messages> = { de, en };

/** The phone's language when it is one of ours (German for any German variant), else English. */
export function browserLanguage(languages: readonly string[] = navigator.languages): Language {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'de' || base === 'gsw') return 'de';
    if (base === 'en') return 'en';
  }
  return 'en';
}

/** The language shown: the browser's, until the player picks one. */
export const language = signal<Language>(browserLanguage());

/** The texts in the current language. */
export const t = computed<Messages>(() => MESSAGES[language.value]);

/** The human message for an error code (server or client), falling back to the server's own text. */
export function errorText(code: string, fallback: string): string {
  return (t.value.errors as Record<string, string>)[code] ?? fallback;
}

/** "just now", "3 min ago", "2 h ago". */
export function agoText(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return t.value.justNow;
  if (minutes < 60) return t.value.minutesAgo(minutes);
  return t.value.hoursAgo(Math.floor(minutes / 60));
}

/** A countdown: "4:05" or "1:02:03". */
export function countdownText(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
