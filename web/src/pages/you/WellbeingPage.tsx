import { useEffect, useState, type SyntheticEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import { formatDuration } from '../../components/format';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { useWellbeing } from '../../wellbeing/wellbeing-context';

/** Your preview settings (protective unless you relax them) and your exposure log. */
export function WellbeingPage(): ReactNode {
  const { settings, saveSettings } = useWellbeing();
  const [draft, setDraft] = useState(settings);
  useEffect(() => {
    setDraft(settings);
  }, [settings]);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const log = useLoad(() => api.get('/api/v1/wellbeing/exposure', { query: { days: 14 } }), []);
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      await saveSettings(draft);
      setSaved(true);
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <>
      <PageHeader title="Wellbeing" />
      <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="settings-title">
        <h2 id="settings-title">How material is shown to you</h2>
        <p className="muted">
          By default every preview is blurred and greyscale until you reveal that one item, and videos start
          muted. You may relax this for yourself; each clear view is still recorded in the audit log.
        </p>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.blurPreviews}
            onChange={(event) => {
              setDraft({ ...draft, blurPreviews: event.target.checked });
            }}
          />
          Blur previews until I reveal them one at a time
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.greyscalePreviews}
            onChange={(event) => {
              setDraft({ ...draft, greyscalePreviews: event.target.checked });
            }}
          />
          Show previews in greyscale, revealed ones too
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.muteVideo}
            onChange={(event) => {
              setDraft({ ...draft, muteVideo: event.target.checked });
            }}
          />
          Start videos muted
        </label>
        <label>
          Suggest a break after this many minutes with material revealed
          <input
            type="number"
            min={5}
            max={240}
            required
            value={draft.breakReminderMinutes}
            onChange={(event) => {
              setDraft({ ...draft, breakReminderMinutes: Number(event.target.value) });
            }}
          />
        </label>
        <button type="submit" className="primary">
          Save
        </button>
        {saved ? (
          <p role="status" className="ok">
            Saved.
          </p>
        ) : null}
        {error ? <ErrorMessage error={error} title="Not saved" /> : null}
      </form>
      <section className="card" aria-labelledby="log-title">
        <h2 id="log-title">Your exposure log (last 14 days)</h2>
        <Loaded state={log} what="your exposure log">
          {(summary) => (
            <>
              <p>
                Today: {formatDuration(summary.todaySeconds)}. Since your last break:{' '}
                {formatDuration(summary.sinceBreakSeconds)}.
              </p>
              {summary.days.length === 0 ? (
                <Empty>No material revealed in this period.</Empty>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Day (UTC)</th>
                      <th scope="col">Time revealed</th>
                      <th scope="col">Items revealed</th>
                      <th scope="col">Breaks</th>
                    </tr>
                  </thead>
                  <tbody>
                    {summary.days.map((day) => (
                      <tr key={day.day}>
                        <td>{day.day}</td>
                        <td>{formatDuration(day.seconds)}</td>
                        <td>{day.items}</td>
                        <td>{day.breaks}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </Loaded>
      </section>
    </>
  );
}
