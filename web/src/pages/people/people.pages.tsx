import type { PageDefinition } from '../../app/page-registry';
import { OffenderDetailPage } from './OffenderDetailPage';
import { PeopleListPage } from './PeopleListPage';
import { VictimDetailPage } from './VictimDetailPage';

export const peoplePages: readonly PageDefinition[] = [
  {
    pattern: '/victims',
    title: 'Victims',
    permission: 'series.read',
    menu: { section: 'Work', label: 'Victims' },
    render: () => <PeopleListPage kind="victims" />,
  },
  {
    pattern: '/victims/:id',
    title: 'Victim',
    permission: 'series.read',
    render: ({ id }) => <VictimDetailPage id={id ?? ''} />,
  },
  {
    pattern: '/offenders',
    title: 'Offenders',
    permission: 'series.read',
    menu: { section: 'Work', label: 'Offenders' },
    render: () => <PeopleListPage kind="offenders" />,
  },
  {
    pattern: '/offenders/:id',
    title: 'Offender',
    permission: 'series.read',
    render: ({ id }) => <OffenderDetailPage id={id ?? ''} />,
  },
];
