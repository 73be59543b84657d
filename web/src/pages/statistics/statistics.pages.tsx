import type { PageDefinition } from '../../app/page-registry';
import { StatisticsPage } from './StatisticsPage';

export const statisticsPages: readonly PageDefinition[] = [
  {
    pattern: '/statistics',
    title: 'Statistics',
    permission: 'stats.read',
    menu: { section: 'Work', label: 'Statistics' },
    render: () => <StatisticsPage />,
  },
];
