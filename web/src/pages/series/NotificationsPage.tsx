import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import { Link } from '../../app/router';
import { formatTime } from '../../components/format';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { announceNotificationsChanged } from './notification-events';

/** In-app notifications: matches of your series, comments, @-mentions of your agency, status changes. */
export function NotificationsPage(): ReactNode {
  const notifications = useLoad(() => api.get('/api/v1/notifications'), []);
  const [error, setError] = useState<unknown>();
  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setError(undefined);
    try {
      await action();
      notifications.reload();
      announceNotificationsChanged();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <>
      <PageHeader title="Notifications">
        <button type="button" onClick={() => void act(() => api.post('/api/v1/notifications/read-all'))}>
          Mark all read
        </button>
      </PageHeader>
      {error ? <ErrorMessage error={error} title="Not marked" /> : null}
      <section className="card" aria-labelledby="notifications-title">
        <h2 id="notifications-title">Latest</h2>
        <Loaded state={notifications} what="notifications">
          {({ notifications: list }) =>
            list.length === 0 ? (
              <Empty>
                Nothing new. You are told here when a series of yours is matched, commented on or moves on.
              </Empty>
            ) : (
              <ul className="notifications" aria-label="Notifications">
                {list.map((item) => (
                  <li key={item.id} data-read={item.read ? 'true' : 'false'}>
                    <span className="badge">{item.read ? 'read' : 'new'}</span>{' '}
                    {item.seriesId ? (
                      <Link to={`/series/${item.seriesId}`}>{item.message}</Link>
                    ) : (
                      item.message
                    )}{' '}
                    <span className="muted small">{formatTime(item.createdAt)}</span>{' '}
                    {item.read ? null : (
                      <button
                        type="button"
                        className="small"
                        aria-label={`Mark read: ${item.message}`}
                        onClick={() =>
                          void act(() =>
                            api.post('/api/v1/notifications/{id}/read', { path: { id: item.id } }),
                          )
                        }
                      >
                        Mark read
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>
    </>
  );
}
