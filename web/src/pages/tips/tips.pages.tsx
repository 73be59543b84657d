import type { PageDefinition } from '../../app/page-registry';
import { TipInboxPage } from './TipInboxPage';

export const tipPages: readonly PageDefinition[] = [
  {
    pattern: '/tips',
    title: 'Tip inbox',
    permission: 'tip.moderate',
    menu: { section: 'Work', label: 'Tip inbox' },
    render: () => <TipInboxPage />,
  },
];
