import type { PageDefinition } from '../../app/page-registry';
import { IngestPage } from './IngestPage';

export const ingestPages: readonly PageDefinition[] = [
  {
    pattern: '/ingests/:id',
    title: 'Ingest and triage',
    permission: 'ingest.read',
    render: ({ id }) => <IngestPage id={id ?? ''} />,
  },
];
