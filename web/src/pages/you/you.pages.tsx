import type { PageDefinition } from '../../app/page-registry';
import { AccountPage } from './AccountPage';
import { TokensPage } from './TokensPage';
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
  {
    pattern: '/you/tokens',
    title: 'API tokens',
    permission: 'token.manage',
    menu: { section: 'You', label: 'API tokens' },
    render: () => <TokensPage />,
  },
];
