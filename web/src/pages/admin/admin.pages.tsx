import type { PageDefinition } from '../../app/page-registry';
import { AgenciesPage } from './AgenciesPage';
import { UsersPage } from './UsersPage';

export const adminPages: readonly PageDefinition[] = [
  {
    pattern: '/admin/agencies',
    title: 'Agencies',
    permission: 'agency.read',
    menu: { section: 'Administration', label: 'Agencies' },
    render: () => <AgenciesPage />,
  },
  {
    pattern: '/admin/users',
    title: 'Users',
    permission: 'user.read',
    menu: { section: 'Administration', label: 'Users' },
    render: () => <UsersPage />,
  },
];
