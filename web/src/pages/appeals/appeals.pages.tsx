import type { PageDefinition } from '../../app/page-registry';
import { AppealsPage } from './AppealsPage';
import { ProposeAppealPage } from './ProposeAppealPage';
import { ProposePersonAppealPage } from './ProposePersonAppealPage';

export const appealPages: readonly PageDefinition[] = [
  {
    pattern: '/appeals',
    title: 'Public appeals',
    permission: 'appeal.read',
    menu: { section: 'Work', label: 'Public appeals' },
    render: () => <AppealsPage />,
  },
  {
    pattern: '/appeals/propose/:seriesId/:clueId',
    title: 'Propose a public appeal',
    permission: 'appeal.propose',
    render: (params) => <ProposeAppealPage seriesId={params.seriesId ?? ''} clueId={params.clueId ?? ''} />,
  },
  {
    pattern: '/appeals/propose-person',
    title: 'Propose a person appeal',
    permission: 'appeal.propose',
    render: () => <ProposePersonAppealPage />,
  },
];
