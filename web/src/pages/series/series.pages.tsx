import type { PageDefinition } from '../../app/page-registry';
import { NotificationsPage } from './NotificationsPage';
import { SeriesDetailPage } from './SeriesDetailPage';
import { SeriesListPage } from './SeriesListPage';

export const seriesPages: readonly PageDefinition[] = [
  {
    pattern: '/series',
    title: 'Series',
    permission: 'series.read',
    menu: { section: 'Work', label: 'Series' },
    render: () => <SeriesListPage />,
  },
  {
    pattern: '/series/:id',
    title: 'Series',
    permission: 'series.read',
    render: ({ id }) => <SeriesDetailPage id={id ?? ''} />,
  },
  {
    pattern: '/notifications',
    title: 'Notifications',
    permission: 'notification.read',
    menu: { section: 'You', label: 'Notifications' },
    render: () => <NotificationsPage />,
  },
];
