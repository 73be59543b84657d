import type { PageDefinition } from '../../app/page-registry';
import { AccountPage } from './AccountPage';
import { WellbeingPage } from './WellbeingPage';

export const youPages: readonly PageDefinition[] = [
  {
    pattern: '/you/wellbeing',
    title: 'Wellbeing',
    menu: { section: 'You', label: 'Wellbeing' },
    render: () => <WellbeingPage />,
  },
  {
    pattern: '/you/account',
    title: 'Account',
    menu: { section: 'You', label: 'Account' },
    render: () => <AccountPage />,
  },
];
