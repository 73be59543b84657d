import { de } from '#haven/portal/i18n/de.js';
import { en, type Messages } from '#haven/portal/i18n/en.js';
import { es } from '#haven/portal/i18n/es.js';
import { fr } from '#haven/portal/i18n/fr.js';
import { PORTAL_LANGUAGES, type PortalLanguage } from '#haven/portal/exchange/portal-exchange.js';

export type { Messages };

export const MESSAGES: Readonly<Record<PortalLanguage, Messages>> = { en, fr, de, es };

export const LANGUAGE_NAMES: Readonly<Record<PortalLanguage, string>> = {
  en: 'English',
  fr: 'Français',
  de: 'Deutsch',
  es: 'Español',
};

export function isLanguage(value: string): value is PortalLanguage {
  return (PORTAL_LANGUAGES as readonly string[]).includes(value);
}

/** The best language a browser's Accept-Language header asks for (by q value), English otherwise. */
export function languageFromHeader(header: string | undefined): PortalLanguage {
  const asked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((value) => value !== undefined);
      return {
        base: tag.trim().toLowerCase().split('-')[0] ?? '',
        q: q === undefined ? 1 : Number(q),
        index,
      };
    })
    .filter((entry) => entry.q > 0 && Number.isFinite(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return asked.map((entry) => entry.base).find(isLanguage) ?? 'en';
}

export function format(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => String(values[key] ?? whole));
}
