import { useEffect, type ReactNode } from 'react';
import { Empty, PageHeader } from '../components/states';
import { NotificationBadge } from '../pages/series/NotificationBadge';
import { SafeScreenButton } from '../wellbeing/SafeScreenButton';
import { MENU_SECTIONS } from './page-registry';
import { PAGES } from './pages';
import { Link, matchPattern, useLocation } from './router';
import { can, useSession } from './session';

/** Top bar, side menu built from the page registry, and the page for the current address. */
export function Shell(): ReactNode {
  const { session, signOut } = useSession();
  const { pathname } = useLocation();
  const allowed = PAGES.filter((page) => can(session, page.permission));
  let current: { title: string; content: ReactNode } | null = null;
  for (const page of PAGES) {
    const params = matchPattern(page.pattern, pathname);
    if (params) {
      current = can(session, page.permission)
        ? { title: page.title, content: page.render(params) }
        : {
            title: 'Not available',
            content: (
              <>
                <PageHeader title="Not available" />
                <Empty>
                  Your role does not include this page. Ask your agency administrator if you need it.
                </Empty>
              </>
            ),
          };
      break;
    }
  }
  useEffect(() => {
    document.title = `${current?.title ?? 'Not found'} · Haven`;
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [pathname, current?.title]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Haven
        </Link>
        <span className="who">
          {session.user.displayName} · {session.user.agency.name} ({session.user.agency.country})
        </span>
        {can(session, 'notification.read') ? <NotificationBadge /> : null}
        <SafeScreenButton />
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <nav className="sidebar" aria-label="Main">
        {MENU_SECTIONS.map((section) => {
          const entries = allowed.filter((page) => page.menu?.section === section);
          if (entries.length === 0) {
            return null;
          }
          return (
            <section key={section}>
              <h2>{section}</h2>
              <ul>
                {entries.map((page) => {
                  const active = matchPattern(page.pattern, pathname) !== null;
                  return (
                    <li key={page.pattern}>
                      <Link to={page.pattern} aria-current={active ? 'page' : undefined}>
                        {page.menu?.label}
                      </Link>
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
      </nav>
      <main id="main" className="content">
        {current ? (
          current.content
        ) : (
          <>
            <PageHeader title="Not found" />
            <Empty>
              There is no page at this address. <Link to="/">Go to the dashboard</Link>.
            </Empty>
          </>
        )}
      </main>
    </div>
  );
}
