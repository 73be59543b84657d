/**
 * bench:portal — the public portal on a phone's terms: the weight of its pages (HTML, the CSS and
 * script, one picture) and the request rate and latency of the gallery and of an appeal page with
 * APPEALS live appeals (default 200), against the portal's own /healthz measured in the same run as
 * the baseline (the ratio says what reading the folder and rendering costs). The portal runs in
 * this process on a temporary folder; autocannon drives it with CONNECTIONS clients (default 20)
 * for SECONDS (default 10) per target. Prints one JSON line per target and one with page weights.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { loadConfig } from '#haven/platform/config/load-config.js';
import { silentLogger } from '#haven/platform/log/logger.js';
import { PortalFolder } from '#haven/portal/exchange/portal-folder.js';
import { startPortal } from '#haven/portal/portal-server.js';

const APPEALS = Number(process.env.BENCH_APPEALS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

const publicId = (index: number): string => index.toString(36).padStart(16, 'p');

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-bench-portal-'));
  try {
    const folder = await new PortalFolder(path.join(dir, 'portal')).init();
    for (let index = 0; index < APPEALS; index += 1) {
      const jpeg = await sharp({
        create: { width: 640, height: 480, channels: 3, background: { r: index % 255, g: 120, b: 200 } },
      })
        .jpeg({ quality: 82 })
        .toBuffer();
      await folder.publish(
        {
          publicId: publicId(index),
          type: index % 3 === 0 ? 'missing_child' : 'object',
          texts: {
            en: {
              title: `Where is object ${index} sold?`,
              description: 'A generated object.',
              questions: ['Where?'],
            },
            fr: {
              title: `Où l'objet ${index} est-il vendu ?`,
              description: 'Un objet.',
              questions: ['Où ?'],
            },
          },
          person:
            index % 3 === 0
              ? {
                  name: `Child ${index}`,
                  offence: '',
                  issuingAgency: '',
                  age: 9,
                  dateMissing: null,
                  placeMissing: '',
                }
              : null,
          country: ['FR', 'DE', 'ES', 'NL'][index % 4]!,
          region: 'Europe',
          publishedAt: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
          image: { width: 640, height: 480 },
        },
        jpeg,
      );
    }
    const config = loadConfig({ dataDir: dir, portalDir: folder.dir }, { HAVEN_LOG_LEVEL: 'silent' });
    const portal = await startPortal(config, silentLogger, { port: 0, listen: '127.0.0.1' });
    try {
      const bytesOf = async (route: string): Promise<number> =>
        (await (await fetch(`${portal.url}${route}`)).arrayBuffer()).byteLength;
      console.log(
        JSON.stringify({
          bench: 'portal-weight',
          appeals: APPEALS,
          galleryHtmlBytes: await bytesOf('/en/'),
          appealHtmlBytes: await bytesOf(`/en/appeals/${publicId(1)}`),
          cssBytes: await bytesOf('/portal.css'),
          scriptBytes: await bytesOf('/pow.js'),
          pictureBytes: await bytesOf(`/images/${publicId(1)}.jpg`),
        }),
      );
      const run = async (route: string): Promise<{ rps: number; p99: number; errors: number }> => {
        const result = await autocannon({
          url: `${portal.url}${route}`,
          connections: CONNECTIONS,
          duration: SECONDS,
        });
        return {
          rps: result.requests.average,
          p99: result.latency.p99,
          errors: result.errors + result.non2xx,
        };
      };
      const baseline = await run('/healthz');
      console.log(
        JSON.stringify({ bench: 'portal-load', target: 'healthz (baseline)', ...baseline, ratio: 1 }),
      );
      for (const [target, route] of [
        ['gallery', '/en/'],
        ['appeal page', `/en/appeals/${publicId(1)}`],
      ] as const) {
        const measured = await run(route);
        console.log(
          JSON.stringify({
            bench: 'portal-load',
            target,
            appeals: APPEALS,
            ...measured,
            ratio: Number((measured.rps / baseline.rps).toFixed(3)),
          }),
        );
      }
    } finally {
      await portal.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
