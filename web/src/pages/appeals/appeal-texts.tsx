import type { ReactNode } from 'react';
import type { Schemas } from '../../api/client';

export type Language = 'en' | 'fr' | 'de' | 'es';
export const LANGUAGES: readonly Language[] = ['en', 'fr', 'de', 'es'];
const NAMES: Readonly<Record<Language, string>> = {
  en: 'English',
  fr: 'French',
  de: 'German',
  es: 'Spanish',
};

export interface Draft {
  title: string;
  description: string;
  questions: string;
}
export type Drafts = Record<Language, Draft>;
const EMPTY: Draft = { title: '', description: '', questions: '' };
export const emptyDrafts = (): Drafts => ({ en: EMPTY, fr: EMPTY, de: EMPTY, es: EMPTY });

type Texts = Schemas['ProposeAppealRequest']['texts'];

/** The languages with a title become the appeal's texts; questions are one per line. */
export function toTexts(drafts: Drafts): Texts {
  const texts: Partial<Record<Language, Texts[Language]>> = {};
  for (const lang of LANGUAGES) {
    const draft = drafts[lang];
    if (draft.title.trim() !== '') {
      texts[lang] = {
        title: draft.title.trim(),
        description: draft.description.trim(),
        questions: draft.questions
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
      };
    }
  }
  return texts;
}

/** One fieldset per public language: title, description, questions. */
export function TextsFields({
  drafts,
  onChange,
}: {
  drafts: Drafts;
  onChange: (drafts: Drafts) => void;
}): ReactNode {
  const change = (lang: Language, field: keyof Draft, value: string): void => {
    onChange({ ...drafts, [lang]: { ...drafts[lang], [field]: value } });
  };
  return LANGUAGES.map((lang) => (
    <fieldset key={lang} lang={lang}>
      <legend>{NAMES[lang]}</legend>
      <label>
        Title ({NAMES[lang]})
        <input
          value={drafts[lang].title}
          maxLength={120}
          onChange={(event) => {
            change(lang, 'title', event.target.value);
          }}
        />
      </label>
      <label>
        Description ({NAMES[lang]})
        <textarea
          value={drafts[lang].description}
          maxLength={2000}
          onChange={(event) => {
            change(lang, 'description', event.target.value);
          }}
        />
      </label>
      <label>
        Questions, one per line ({NAMES[lang]})
        <textarea
          value={drafts[lang].questions}
          onChange={(event) => {
            change(lang, 'questions', event.target.value);
          }}
        />
      </label>
    </fieldset>
  ));
}
