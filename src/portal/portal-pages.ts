import {
  APPEAL_TYPES,
  TIP_LIMITS,
  type AppealText,
  type PortalLanguage,
  type PublicFigures,
  type PublishedAppeal,
} from '#haven/portal/exchange/portal-exchange.js';
import { esc, page } from '#haven/portal/portal-html.js';
import { format, MESSAGES, type Messages } from '#haven/portal/i18n/messages.js';
import { galleryPageOf, galleryQuery, pagerHtml, type GalleryAddress } from '#haven/portal/gallery-pages.js';

export type GalleryFilter = GalleryAddress;

/** The appeal's words in the page's language, or in the first language it was published in. */
export function textOf(appeal: PublishedAppeal, lang: PortalLanguage): { text: AppealText; lang: string } {
  const own = appeal.texts[lang];
  if (own) {
    return { text: own, lang };
  }
  const [first, text] = Object.entries(appeal.texts)[0]!;
  return { text: text, lang: first };
}

const typeName = (t: Messages, type: string): string =>
  t[`type${type.charAt(0).toUpperCase()}${type.slice(1)}` as keyof Messages];

const placeOf = (appeal: PublishedAppeal): string => appeal.country ?? appeal.region;

/** One page of live appeals, filtered and sorted; links to the other pages keep the filters. */
export function galleryPage(
  lang: PortalLanguage,
  appeals: readonly PublishedAppeal[],
  asked: GalleryFilter,
): string {
  const t = MESSAGES[lang];
  const places = [...new Set(appeals.flatMap((a) => [a.country ?? '', a.region]).filter(Boolean))].sort();
  let matching = appeals.filter(
    (a) =>
      (asked.type === '' || a.type === asked.type) &&
      (asked.country === '' || a.country === asked.country || a.region === asked.country),
  );
  matching = [...matching].sort(
    (a, b) =>
      (asked.sort === 'oldest'
        ? a.publishedAt.localeCompare(b.publishedAt)
        : b.publishedAt.localeCompare(a.publishedAt)) || a.publicId.localeCompare(b.publicId),
  );
  const { items: shown, page: current, pages } = galleryPageOf(matching, asked.page);
  const filter: GalleryFilter = { ...asked, page: current };
  const option = (value: string, label: string, selected: string): string =>
    `<option value="${esc(value)}"${value === selected ? ' selected' : ''}>${esc(label)}</option>`;
  const filters = `<form class="filters" method="get" action="/${lang}/" aria-label="${esc(t.filter)}">
<div><label for="f-type">${esc(t.type)}</label><select id="f-type" name="type">${option('', t.allTypes, filter.type)}${APPEAL_TYPES.map((type) => option(type, typeName(t, type), filter.type)).join('')}</select></div>
<div><label for="f-country">${esc(t.country)}</label><select id="f-country" name="country">${option('', t.allCountries, filter.country)}${places.map((p) => option(p, p, filter.country)).join('')}</select></div>
<div><label for="f-sort">${esc(t.sort)}</label><select id="f-sort" name="sort">${option('newest', t.newest, filter.sort)}${option('oldest', t.oldest, filter.sort)}</select></div>
<div><button type="submit">${esc(t.apply)}</button></div>
</form>`;
  const items = shown
    .map((appeal) => {
      const { text, lang: textLang } = textOf(appeal, lang);
      return `<li${textLang === lang ? '' : ` lang="${textLang}"`}>
<a href="/${lang}/appeals/${appeal.publicId}"><img src="/images/${appeal.publicId}.jpg" width="${appeal.image.width}" height="${appeal.image.height}" alt="${esc(format(t.pictureOf, { title: text.title }))}" loading="lazy">
<strong>${esc(text.title)}</strong></a>
<p>${esc(typeName(t, appeal.type))}${placeOf(appeal) ? ` · ${esc(placeOf(appeal))}` : ''}</p>
</li>`;
    })
    .join('\n');
  return page({
    lang,
    title: t.navAppeals,
    here: `/${galleryQuery(filter)}`,
    body: `<h1>${esc(t.navAppeals)}</h1>
<p>${esc(t.intro)}</p>
${filters}
${shown.length === 0 ? `<p class="notice">${esc(t.noAppeals)}</p>` : `<ul class="gallery">${items}</ul>`}
${pagerHtml(lang, t, filter, pages)}`,
  });
}

export interface TipFormState {
  readonly token: string;
  readonly powBits: number;
  readonly values: Readonly<Record<string, string>>;
  readonly message?: { kind: 'error' | 'notice'; text: string } | undefined;
}

export function appealPage(lang: PortalLanguage, appeal: PublishedAppeal, form: TipFormState): string {
  const t = MESSAGES[lang];
  const { text, lang: textLang } = textOf(appeal, lang);
  const person = appeal.person;
  const facts: [string, string][] = person
    ? (
        [
          [t.name, person.name],
          [t.offence, person.offence],
          [t.issuingAgency, person.issuingAgency],
          [t.age, person.age === null ? '' : String(person.age)],
          [t.dateMissing, person.dateMissing ?? ''],
          [t.placeMissing, person.placeMissing],
        ] as [string, string][]
      ).filter(([, value]) => value !== '')
    : [];
  const v = (name: string): string => esc(form.values[name] ?? '');
  const field = (name: string, label: string, max: number): string =>
    `<label for="tip-${name}">${esc(label)}</label><input id="tip-${name}" name="${name}" maxlength="${max}" value="${v(name)}">`;
  const message = form.message
    ? `<p class="${form.message.kind}" role="${form.message.kind === 'error' ? 'alert' : 'status'}">${esc(form.message.text)}</p>`
    : '';
  return page({
    lang,
    title: text.title,
    here: `/appeals/${appeal.publicId}`,
    script: true,
    body: `<article${textLang === lang ? '' : ` lang="${textLang}"`}>
<h1>${esc(text.title)}</h1>
<p>${esc(typeName(t, appeal.type))}${placeOf(appeal) ? ` · ${esc(placeOf(appeal))}` : ''} · ${esc(t.published)} <time datetime="${esc(appeal.publishedAt)}">${esc(appeal.publishedAt.slice(0, 10))}</time></p>
<img src="/images/${appeal.publicId}.jpg" width="${appeal.image.width}" height="${appeal.image.height}" alt="${esc(format(t.pictureOf, { title: text.title }))}">
${text.description ? `<p>${esc(text.description)}</p>` : ''}
${facts.length ? `<dl>${facts.map(([k, value]) => `<dt>${esc(k)}</dt><dd>${esc(value)}</dd>`).join('')}</dl>` : ''}
${text.questions.length ? `<h2>${esc(t.questions)}</h2><ul>${text.questions.map((q) => `<li>${esc(q)}</li>`).join('')}</ul>` : ''}
</article>
<section aria-labelledby="tip-heading">
<h2 id="tip-heading">${esc(t.tipHeading)}</h2>
${message}
<p class="notice" id="tip-privacy">${esc(t.tipPrivacy)}</p>
<form method="post" action="/${lang}/appeals/${appeal.publicId}/tips" data-pow-bits="${form.powBits}" aria-describedby="tip-privacy">
<input type="hidden" name="token" value="${esc(form.token)}">
<input type="hidden" name="pow" value="">
<label for="tip-body">${esc(t.tipBody)}</label><textarea id="tip-body" name="body" required maxlength="${TIP_LIMITS.body}">${v('body')}</textarea>
${field('country', t.tipCountry, TIP_LIMITS.country)}
${field('city', t.tipCity, TIP_LIMITS.city)}
${field('seenWhere', t.tipSeenWhere, TIP_LIMITS.seenWhere)}
${field('seenWhen', t.tipSeenWhen, TIP_LIMITS.seenWhen)}
${field('contact', t.tipContact, TIP_LIMITS.contact)}
<div class="hp" aria-hidden="true"><label for="tip-website">${esc(t.tipHoneypot)}</label><input id="tip-website" name="website" tabindex="-1" autocomplete="off"></div>
<button type="submit">${esc(t.tipSend)}</button>
</form>
</section>`,
  });
}

export function messagePage(
  lang: PortalLanguage,
  here: string,
  text: string,
  back: { href: string; label: string },
): string {
  return page({
    lang,
    title: text.slice(0, 60),
    here,
    body: `<p class="notice" role="status">${esc(text)}</p><p><a href="${esc(back.href)}">${esc(back.label)}</a></p>`,
  });
}

export function statisticsPage(lang: PortalLanguage, figures: PublicFigures | undefined): string {
  const t = MESSAGES[lang];
  const body = figures
    ? `<dl class="figures">
<dt>${esc(t.statsAppeals)}</dt><dd>${figures.appealsPublished}</dd>
<dt>${esc(t.statsTips)}</dt><dd>${figures.tipsReceived}</dd>
<dt>${esc(t.statsCountries)}</dt><dd>${figures.countriesFound}</dd>
<dt>${esc(t.statsChildren)}</dt><dd>${figures.childrenIdentified}</dd>
</dl><p>${esc(t.statsUpdated)}: <time datetime="${esc(figures.updatedAt)}">${esc(figures.updatedAt.slice(0, 10))}</time></p>`
    : `<p>${esc(t.statsNone)}</p>`;
  return page({
    lang,
    title: t.statsHeading,
    here: '/statistics',
    body: `<h1>${esc(t.statsHeading)}</h1>${body}`,
  });
}

export function privacyPage(lang: PortalLanguage): string {
  const t = MESSAGES[lang];
  return page({
    lang,
    title: t.privacyHeading,
    here: '/privacy',
    body: `<h1>${esc(t.privacyHeading)}</h1><p>${esc(t.tipPrivacy)}</p>`,
  });
}
