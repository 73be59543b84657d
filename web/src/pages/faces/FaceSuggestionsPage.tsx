import { useEffect, useState, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { Link, navigate, useLocation } from '../../app/router';
import { Empty, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { FaceSettingsPanel } from './FaceSettingsPanel';
import { loadSuggestions, seriesLabels, type Suggestion, type SuggestionFilter } from './face-suggestions';
import { SuggestionCard } from './SuggestionCard';

const FILTERS: readonly { value: SuggestionFilter; label: string }[] = [
  { value: 'open', label: 'Not decided yet' },
  { value: 'accepted', label: 'Accepted' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'all', label: 'All' },
];

/**
 * Face suggestions "same person as in series X", of one series (`?series=`) or of every series
 * the user may see. Faces are computed after ingest for agencies that opted in, so the list grows
 * by itself; a human decides each suggestion, and the decision is recorded.
 */
export function FaceSuggestionsPage(): ReactNode {
  const { search } = useLocation();
  const seriesId = search.get('series');
  const filter: SuggestionFilter = FILTERS.find((f) => f.value === search.get('state'))?.value ?? 'open';
  const [settings, setSettings] = useState<Schemas['FaceSettings'] | undefined>(undefined);
  const settingsLoad = useLoad(() => api.get('/api/v1/faces/settings'), []);
  useEffect(() => {
    if (settingsLoad.data) {
      setSettings(settingsLoad.data);
    }
  }, [settingsLoad.data]);
  const list = useLoad(async () => {
    const loaded = await loadSuggestions(seriesId, filter);
    return { ...loaded, labels: await seriesLabels(loaded.suggestions) };
  }, [seriesId, filter]);
  const [decided, setDecided] = useState<ReadonlyMap<number, Suggestion>>(new Map());

  const go = (changes: Record<string, string | null>): void => {
    const next = new URLSearchParams(search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) {
        next.delete(key);
      } else {
        next.set(key, value);
      }
    }
    const text = next.toString();
    navigate(`/faces/suggestions${text ? `?${text}` : ''}`);
  };

  return (
    <>
      <PageHeader title="Face suggestions">
        <Link to="/faces/compare">Compare a photo</Link>
        <button type="button" onClick={list.reload} disabled={list.loading}>
          Look again
        </button>
      </PageHeader>
      {settings ? <FaceSettingsPanel settings={settings} onChange={setSettings} /> : null}
      <div className="filters">
        <label>
          Show{' '}
          <select
            value={filter}
            onChange={(event) => {
              go({ state: event.target.value });
            }}
          >
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        {seriesId ? (
          <button
            type="button"
            onClick={() => {
              go({ series: null });
            }}
          >
            Show every series
          </button>
        ) : null}
      </div>
      <Loaded state={list} what="the suggestions">
        {({ suggestions, labels, threshold }) => {
          const shown = suggestions.map((s) => decided.get(s.id) ?? s);
          if (shown.length === 0) {
            return (
              <Empty>
                No {filter === 'open' ? 'undecided ' : ''}suggestion
                {seriesId ? ` for series ${labels.get(seriesId)?.number ?? ''}` : ''}. Faces of newly ingested
                images are computed in the background (only for agencies that turned face processing on);
                suggestions appear once a face resembles one in another series.
              </Empty>
            );
          }
          return (
            <>
              <p className="muted small">
                {seriesId ? `Series ${labels.get(seriesId)?.number ?? ''}: ` : 'Every series you may see: '}
                {shown.length} suggestion{shown.length === 1 ? '' : 's'}, best first. Faces stay blurred until
                you reveal one.
              </p>
              <ol className="face-suggestions" aria-label="Face suggestions">
                {shown.map((suggestion) => (
                  <SuggestionCard
                    key={suggestion.id}
                    suggestion={suggestion}
                    labels={labels}
                    threshold={threshold}
                    onDecided={(next) => {
                      setDecided((current) => new Map(current).set(next.id, next));
                    }}
                  />
                ))}
              </ol>
            </>
          );
        }}
      </Loaded>
    </>
  );
}
