import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortalFolder } from '#haven/portal/exchange/portal-folder.js';
import { GALLERY_PAGE_SIZE } from '#haven/portal/gallery-pages.js';
import { startPortalProcess, type PortalProcess } from './support/portal-process.js';

/**
 * The portal gallery one page at a time (`haven serve --role portal` as its own process): plain
 * page links that work without JavaScript, filters and order kept from page to page, every live
 * appeal on exactly one page, and lenient handling of any page number a visitor can type.
 */

const APPEALS = 2 * GALLERY_PAGE_SIZE + 5;
const COUNTRIES = ['FR', 'DE', 'ES'] as const;
const publicId = (index: number): string => `g${index.toString(36).padStart(15, '0')}`;
const typeOf = (index: number): 'object' | 'missing_child' => (index % 4 === 0 ? 'missing_child' : 'object');
const countryOf = (index: number): string => COUNTRIES[index % COUNTRIES.length]!;

let portal: PortalProcess | undefined;
// Shared by the tests of this file (tempDir() would remove it after the first one).
const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-gallery-pages-'));

beforeAll(async () => {
  const folder = await new PortalFolder(path.join(dir, 'portal')).init();
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#5080c0' } })
    .jpeg()
    .toBuffer();
  for (let index = 0; index < APPEALS; index += 1) {
    await folder.publish(
      {
        publicId: publicId(index),
        type: typeOf(index),
        texts: {
          en: {
            title: `Where is object ${index} sold?`,
            description: 'A generated object.',
            questions: ['Where?'],
          },
        },
        person:
          typeOf(index) === 'missing_child'
            ? {
                name: `Child ${index}`,
                offence: '',
                issuingAgency: '',
                age: 9,
                dateMissing: null,
                placeMissing: '',
              }
            : null,
        country: countryOf(index),
        region: 'Europe',
        // Published one minute apart, in index order (so newest first is the highest index first).
        publishedAt: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
        image: { width: 64, height: 48 },
      },
      jpeg,
    );
  }
  portal = await startPortalProcess(folder.dir);
}, 120_000);

afterAll(async () => {
  await portal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface GalleryPage {
  readonly status: number;
  readonly html: string;
  /** Public ids of the appeals shown, in page order. */
  readonly ids: string[];
  /** Decoded addresses of the pager's links by their text. */
  readonly links: Map<string, string>;
  readonly current: string | null;
}

async function gallery(route: string): Promise<GalleryPage> {
  const response = await fetch(`${portal!.url}${route}`);
  const html = await response.text();
  const ids = [...html.matchAll(/<a href="\/[a-z]{2}\/appeals\/([a-z0-9]{16})">/g)].map((m) => m[1]!);
  const pager = /<nav class="pager"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
  const links = new Map(
    [...pager.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => [
      m[2]!,
      m[1]!.replace(/&amp;/g, '&'),
    ]),
  );
  const current = /<a href="[^"]+" aria-current="page"[^>]*>(\d+)<\/a>/.exec(pager)?.[1] ?? null;
  return { status: response.status, html, ids, links, current };
}

/** Every page from the first, following "Next page" links only (as a visitor without JavaScript). */
async function allPages(first: string): Promise<GalleryPage[]> {
  const pages = [await gallery(first)];
  for (
    let next = pages[0]!.links.get('Next page');
    next !== undefined;
    next = pages.at(-1)!.links.get('Next page')
  ) {
    pages.push(await gallery(next));
    expect(pages.length).toBeLessThanOrEqual(APPEALS);
  }
  return pages;
}

const indexes = (from: number, to: number, keep: (index: number) => boolean = () => true): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i).filter(keep);

describe('portal gallery pages', () => {
  it('shows a page of appeals at a time and reaches every appeal once through plain links', async () => {
    const pages = await allPages('/en/');
    expect(pages.map((page) => page.ids.length)).toEqual([GALLERY_PAGE_SIZE, GALLERY_PAGE_SIZE, 5]);
    expect(pages.flatMap((page) => page.ids)).toEqual(indexes(0, APPEALS).reverse().map(publicId));
    const [first, second, last] = pages;
    expect(first!.html).toContain('Page 1 of 3');
    expect(first!.current).toBe('1');
    expect(first!.links.has('Previous page')).toBe(false);
    expect(first!.links.get('3')).toBe('/en/?page=3');
    expect(second!.current).toBe('2');
    expect(second!.links.get('Previous page')).toBe('/en/');
    expect(second!.links.get('Next page')).toBe('/en/?page=3');
    expect(last!.html).toContain('Page 3 of 3');
    expect(last!.links.has('Next page')).toBe(false);
    // The language switcher keeps the page.
    expect(second!.html).toContain('href="/de/?page=2"');
    // In another language the pager speaks it.
    const french = await gallery('/fr/?page=2');
    expect(french.html).toContain('Page 2 sur 3');
    expect(french.html).toContain('Page suivante');
    expect(french.ids).toEqual(second!.ids);
  });

  it('keeps the filters and the order across pages', async () => {
    const route = '/en/?type=object&country=FR&sort=oldest';
    const wanted = indexes(0, APPEALS, (i) => typeOf(i) === 'object' && countryOf(i) === 'FR');
    expect(wanted.length).toBeGreaterThan(GALLERY_PAGE_SIZE / 2);
    const small = await allPages(route);
    expect(small.flatMap((page) => page.ids)).toEqual(wanted.map(publicId));
    // Few enough for one page: no pager at all.
    expect(small).toHaveLength(1);
    expect(small[0]!.html).not.toContain('class="pager"');

    const objects = indexes(0, APPEALS, (i) => typeOf(i) === 'object');
    expect(objects.length).toBeGreaterThan(GALLERY_PAGE_SIZE);
    const pages = await allPages('/en/?type=object&sort=oldest');
    expect(pages).toHaveLength(Math.ceil(objects.length / GALLERY_PAGE_SIZE));
    expect(pages.flatMap((page) => page.ids)).toEqual(objects.map(publicId));
    expect(pages[0]!.links.get('Next page')).toBe('/en/?type=object&sort=oldest&page=2');
    // The filter form on a later page still shows the chosen filters.
    expect(pages[1]!.html).toMatch(/<option value="object" selected>/);
    expect(pages[1]!.html).toMatch(/<option value="oldest" selected>/);
  });

  it('reads any page number a visitor can type: nonsense is the first page, too far the last', async () => {
    const first = (await gallery('/en/')).ids;
    const last = (await gallery('/en/?page=3')).ids;
    expect([first.length, last.length]).toEqual([GALLERY_PAGE_SIZE, APPEALS - 2 * GALLERY_PAGE_SIZE]);
    for (const [query, expected] of [
      ['page=abc', first],
      ['page=0', first],
      ['page=-2', first],
      ['page=1.5', first],
      ['page=%00', first],
      ['page=2&page=3', first],
      ['page[]=2', first],
      ['page=4', last],
      ['page=999999', last],
      ['page=99999999999999999999', first],
      ['page=%3Cscript%3E', first],
    ] as const) {
      const page = await gallery(`/en/?${query}`);
      expect(page.status, query).toBe(200);
      expect(page.ids, query).toEqual(expected);
      expect(page.html, query).not.toContain('<script>');
    }
  });
});
