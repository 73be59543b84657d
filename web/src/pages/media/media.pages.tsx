import type { PageDefinition } from '../../app/page-registry';
import { MediaPage } from './MediaPage';

export const mediaPages: readonly PageDefinition[] = [
  {
    pattern: '/media/:id',
    title: 'Medium',
    permission: 'media.read',
    render: ({ id }) => <MediaPage id={id ?? ''} />,
  },
];
