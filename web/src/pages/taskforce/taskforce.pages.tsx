import type { PageDefinition } from '../../app/page-registry';
import { SprintDetailPage } from './SprintDetailPage';
import { SprintListPage } from './SprintListPage';

export const taskforcePages: readonly PageDefinition[] = [
  {
    pattern: '/taskforce',
    title: 'Taskforce',
    permission: 'taskforce.participate',
    menu: { section: 'Work', label: 'Taskforce' },
    render: () => <SprintListPage />,
  },
  {
    pattern: '/taskforce/:id',
    title: 'Sprint',
    permission: 'taskforce.participate',
    render: ({ id }) => <SprintDetailPage id={id ?? ''} />,
  },
];
