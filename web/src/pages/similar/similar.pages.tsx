import type { PageDefinition } from '../../app/page-registry';
import { SimilarPage } from './SimilarPage';

/** Place and object search results: reached from a clue ("Find this object") or a medium. */
export const similarPages: readonly PageDefinition[] = [
  {
    pattern: '/similar/clue/:id',
    title: 'Same object',
    permission: 'series.read',
    render: ({ id }) => <SimilarPage source={{ kind: 'clue', id: id ?? '' }} />,
  },
  {
    pattern: '/similar/media/:id',
    title: 'Similar places',
    permission: 'media.read',
    render: ({ id }) => <SimilarPage source={{ kind: 'media', id: id ?? '' }} />,
  },
];
