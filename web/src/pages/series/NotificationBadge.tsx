import { useEffect, type ReactNode } from 'react';
import { api } from '../../api/client';
import { Link, useLocation } from '../../app/router';
import { useLoad } from '../../components/use-load';
import { onNotificationsChanged } from './notification-events';

const POLL_MS = 30_000;

/** The top bar's count of unread notifications, refreshed on each page change and every 30 s. */
export function NotificationBadge(): ReactNode {
  const { pathname } = useLocation();
  const unread = useLoad(
    () => api.get('/api/v1/notifications', { query: { unread: 'true', limit: 1 } }),
    [pathname],
  );
  const { reload } = unread;
  useEffect(() => {
    const timer = window.setInterval(reload, POLL_MS);
    const stop = onNotificationsChanged(reload);
    return () => {
      window.clearInterval(timer);
      stop();
    };
  }, [reload]);
  const count = unread.data?.unread ?? 0;
  return (
    <Link to="/notifications" className="notification-badge" aria-label={`Notifications: ${count} unread`}>
      Notifications{count > 0 ? <span className="count">{count}</span> : null}
    </Link>
  );
}
