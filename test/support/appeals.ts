import { randomUUID } from 'node:crypto';
import type { ApiClient } from './api-client.js';
import { expectStatus } from './api-client.js';

export interface AppealReply {
  id: string;
  publicId: string;
  type: string;
  state: string;
  seriesId: string | null;
  clueId: string | null;
  image: { width: number; height: number };
  proposedBy: string;
  reviewedByName: string | null;
  publishedAt: string | null;
  outcome: { countryFound: string | null; objectIdentified: boolean; childrenIdentified: number };
}

export interface TipReply {
  id: string;
  appealId: string;
  language: string;
  body: string;
  contact: string;
  status: string;
  duplicateOf: string | null;
  sameAs: string | null;
  leadCommentId: string | null;
  outcome: string | null;
}

/** The raw bytes of a GET under /api/v1 with the client's session cookie. */
export async function bytesOf(
  client: ApiClient,
  path: string,
): Promise<{ status: number; bytes: Buffer; type: string }> {
  const response = await fetch(`${client.baseUrl}/api/v1${path}`, {
    headers: { cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
  });
  return {
    status: response.status,
    bytes: Buffer.from(await response.arrayBuffer()),
    type: response.headers.get('content-type') ?? '',
  };
}

export async function drawClue(
  client: ApiClient,
  seriesId: string,
  mediaId: string,
  rect: { x: number; y: number; width: number; height: number },
): Promise<string> {
  return expectStatus(
    await client.post(`/series/${seriesId}/clues`, {
      mediaId,
      kind: 'packaging',
      rect,
      note: 'shampoo bottle',
    }),
    201,
  ).body.id as string;
}

export function objectAppeal(
  seriesId: string,
  clueId: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'object',
    texts: {
      en: {
        title: `Where is this bottle sold? ${randomUUID().slice(0, 6)}`,
        description: 'A bottle.',
        questions: ['Where is this sold?'],
      },
      fr: {
        title: 'Où ce flacon est-il vendu ?',
        description: 'Un flacon.',
        questions: ['Où est-il vendu ?'],
      },
    },
    country: null,
    region: 'Europe',
    image: { kind: 'clue', seriesId, clueId },
    ...extra,
  };
}
