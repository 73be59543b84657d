import { esc } from '#haven/portal/portal-html.js';
import { format, type Messages } from '#haven/portal/i18n/messages.js';

/** Appeals per gallery page: two dozen pictures load quickly on a phone and fill a desktop grid. */
export const GALLERY_PAGE_SIZE = 24;
/** Page numbers linked on either side of the current one (plus the first and the last). */
const NEIGHBOURS = 2;

/** The filters a gallery address carries; the page number counts from 1. */
export interface GalleryAddress {
  readonly type: string;
  readonly country: string;
  readonly sort: 'newest' | 'oldest';
  readonly page: number;
}

/** The page number asked for, read leniently: anything but a positive whole number is page 1. */
export function pageNumber(value: unknown): number {
  if (typeof value !== 'string' || !/^\d{1,6}$/.test(value)) {
    return 1;
  }
  return Math.max(1, Number(value));
}

/** The gallery's query string for these filters (defaults left out), e.g. "?type=object&page=2". */
export function galleryQuery(address: GalleryAddress): string {
  const search = new URLSearchParams();
  if (address.type !== '') {
    search.set('type', address.type);
  }
  if (address.country !== '') {
    search.set('country', address.country);
  }
  if (address.sort !== 'newest') {
    search.set('sort', address.sort);
  }
  if (address.page > 1) {
    search.set('page', String(address.page));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Which slice of the filtered appeals a page shows; a page past the end shows the last one. */
export function galleryPageOf<T>(
  items: readonly T[],
  asked: number,
): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / GALLERY_PAGE_SIZE));
  const page = Math.min(Math.max(1, asked), pages);
  return { items: items.slice((page - 1) * GALLERY_PAGE_SIZE, page * GALLERY_PAGE_SIZE), page, pages };
}

/** Plain links to the other pages (no JavaScript), keeping the filters; nothing for a single page. */
export function pagerHtml(lang: string, t: Messages, address: GalleryAddress, pages: number): string {
  if (pages <= 1) {
    return '';
  }
  const current = address.page;
  const href = (page: number): string => esc(`/${lang}/${galleryQuery({ ...address, page })}`);
  const shown = [...new Set([1, pages, ...range(current - NEIGHBOURS, current + NEIGHBOURS)])]
    .filter((page) => page >= 1 && page <= pages)
    .sort((a, b) => a - b);
  const items: string[] = [];
  if (current > 1) {
    items.push(`<li><a href="${href(current - 1)}" rel="prev">${esc(t.previousPage)}</a></li>`);
  }
  shown.forEach((page, index) => {
    if (index > 0 && page - shown[index - 1]! > 1) {
      items.push('<li aria-hidden="true">…</li>');
    }
    const label = esc(format(t.pageOf, { page, pages }));
    items.push(
      page === current
        ? `<li><a href="${href(page)}" aria-current="page" aria-label="${label}">${page}</a></li>`
        : `<li><a href="${href(page)}" aria-label="${label}">${page}</a></li>`,
    );
  });
  if (current < pages) {
    items.push(`<li><a href="${href(current + 1)}" rel="next">${esc(t.nextPage)}</a></li>`);
  }
  return `<nav class="pager" aria-label="${esc(t.pages)}">
<p>${esc(format(t.pageOf, { page: current, pages }))}</p>
<ul>${items.join('')}</ul>
</nav>`;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
