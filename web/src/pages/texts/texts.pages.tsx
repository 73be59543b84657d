import type { PageDefinition } from '../../app/page-registry';
import { MediaTextPage } from './MediaTextPage';
import { TextSearchPage } from './TextSearchPage';

/** Text visible in images: search, and the text of one medium. */
export const textPages: readonly PageDefinition[] = [
  {
    pattern: '/texts/search',
    title: 'Text search',
    permission: 'media.read',
    menu: { section: 'Work', label: 'Text search' },
    render: () => <TextSearchPage />,
  },
  {
    pattern: '/texts/media/:id',
    title: 'Text in the image',
    permission: 'media.read',
    render: ({ id }) => <MediaTextPage id={id ?? ''} />,
  },
];
