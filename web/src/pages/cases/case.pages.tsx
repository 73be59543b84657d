import type { PageDefinition } from '../../app/page-registry';
import { CaseDetailPage } from './CaseDetailPage';
import { CasesPage } from './CasesPage';
import { UploadPage } from '../ingests/UploadPage';

export const casePages: readonly PageDefinition[] = [
  {
    pattern: '/cases',
    title: 'Cases',
    permission: 'case.read',
    menu: { section: 'Work', label: 'Cases' },
    render: () => <CasesPage />,
  },
  {
    pattern: '/cases/:id',
    title: 'Case',
    permission: 'case.read',
    render: ({ id }) => <CaseDetailPage id={id ?? ''} />,
  },
  {
    pattern: '/cases/:id/upload',
    title: 'Upload',
    permission: 'ingest.create',
    render: ({ id }) => <UploadPage caseId={id ?? ''} />,
  },
];
