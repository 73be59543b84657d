import type { PageDefinition } from '../../app/page-registry';
import { DashboardPage } from './DashboardPage';

export const dashboardPages: readonly PageDefinition[] = [
  {
    pattern: '/',
    title: 'Dashboard',
    menu: { section: 'Work', label: 'Dashboard' },
    render: () => <DashboardPage />,
  },
];
