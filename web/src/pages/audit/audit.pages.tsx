import type { PageDefinition } from '../../app/page-registry';
import { AuditPage } from './AuditPage';

export const auditPages: readonly PageDefinition[] = [
  {
    pattern: '/admin/audit',
    title: 'Audit log',
    permission: 'audit.read',
    menu: { section: 'Administration', label: 'Audit log' },
    render: () => <AuditPage />,
  },
];
