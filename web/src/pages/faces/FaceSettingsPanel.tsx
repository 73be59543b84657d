import { useState, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { can, useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { ErrorMessage } from '../../components/states';

/**
 * Whether face processing is on for the agency's material. Off, the page says why nothing is
 * shown; an agency administrator can turn it on (or off) here, and the change is audited.
 */
export function FaceSettingsPanel({
  settings,
  onChange,
}: {
  settings: Schemas['FaceSettings'];
  onChange: (next: Schemas['FaceSettings']) => void;
}): ReactNode {
  const { session } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const mayChange = can(session, 'face.settings');
  const toggle = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      onChange(await api.put('/api/v1/faces/settings', { body: { enabled: !settings.enabled } }));
    } catch (caught) {
      api.noteFailure(caught);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section
      className={`notice ${settings.enabled ? '' : 'notice-empty'}`}
      aria-label="Face processing"
      data-testid="face-settings"
    >
      {settings.enabled ? (
        <p>
          Face processing is on for {session.user.agency.name}
          {settings.updatedBy
            ? ` (turned on by ${settings.updatedBy}, ${formatTime(settings.updatedAt)})`
            : ''}
          . New images are analysed after ingest.
        </p>
      ) : (
        <p>
          Face processing is off for {session.user.agency.name}: faces in its material are not computed, and
          photos cannot be compared. It is turned on per agency, by an agency administrator, and every
          computation is logged.
          {mayChange ? '' : ' Ask your agency administrator if your work needs it.'}
        </p>
      )}
      {mayChange ? (
        <button type="button" disabled={busy} onClick={() => void toggle()}>
          {settings.enabled ? 'Turn face processing off' : 'Turn face processing on'}
        </button>
      ) : null}
      {error !== undefined ? <ErrorMessage error={error} title="The setting was not changed" /> : null}
    </section>
  );
}
