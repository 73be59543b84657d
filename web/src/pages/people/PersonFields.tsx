import { useState, type ReactNode } from 'react';
import { ErrorMessage } from '../../components/states';
import { formatTime } from '../../components/format';
import { agencyName } from '../series/agency-names';
import { SEXES, type Victim } from './people-format';

type Agencies = Parameters<typeof agencyName>[0];

/** "Your agency" or the recording agency's name. */
export function recordedBy(person: { own: boolean; agencyId: string }, agencies: Agencies): string {
  return person.own ? 'Your agency' : agencyName(agencies, person.agencyId);
}

/** "no", "yes" (an offender), or by whom and when a victim was identified. */
export function identifiedText(victim: Victim | null, identified: boolean, agencies: Agencies): string {
  if (!identified) {
    return 'no';
  }
  if (!victim) {
    return 'yes';
  }
  return `by ${agencyName(agencies, victim.identifiedBy)} on ${victim.identifiedAt ?? '?'}`;
}

/** An age field's text as the API wants it: empty means not estimated. */
export function ageOrNull(value: string): number | null {
  return value === '' ? null : Number(value);
}

/** The facts every person shows last: who recorded them, when, and the notes. */
export function RecordedFacts({
  person,
  agencies,
}: {
  person: { own: boolean; agencyId: string; createdAt: string; notes: string };
  agencies: Agencies;
}): ReactNode {
  return (
    <>
      <dt>Recorded by</dt>
      <dd>
        {recordedBy(person, agencies)} on {formatTime(person.createdAt)}
      </dd>
      <dt>Notes</dt>
      <dd className="pre-wrap">{person.notes || '–'}</dd>
    </>
  );
}

/**
 * "Saved" for an edit form whose record reloads after a save: the form is rebuilt from the
 * reloaded record, so the page keeps the flag.
 */
export function useSavedAfterReload(reload: () => void): {
  saved: boolean;
  onSaving: () => void;
  onSaved: () => void;
} {
  const [saved, setSaved] = useState(false);
  return {
    saved,
    onSaving: () => {
      setSaved(false);
    },
    onSaved: () => {
      setSaved(true);
      reload();
    },
  };
}

/** The end of a person's edit form: save, the saved notice, the failure. */
export function SavePersonFooter({
  singular,
  saved,
  error,
}: {
  singular: 'victim' | 'offender';
  saved: boolean;
  error: unknown;
}): ReactNode {
  const title = singular === 'victim' ? 'Victim' : 'Offender';
  return (
    <>
      <button type="submit" className="primary">
        Save {singular}
      </button>
      {saved ? (
        <p role="status" className="ok">
          {title} saved.
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} title={`The ${singular} was not saved`} /> : null}
    </>
  );
}

export function SexSelect({
  value,
  onChange,
}: {
  value: Victim['sex'];
  onChange: (value: Victim['sex']) => void;
}): ReactNode {
  return (
    <label>
      Sex
      <select
        value={value}
        onChange={(event) => {
          onChange(event.target.value as Victim['sex']);
        }}
      >
        {SEXES.map((sex) => (
          <option key={sex} value={sex}>
            {sex}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The estimated age range at the time of production, as two fields. */
export function AgeRangeInputs({
  ageMin,
  ageMax,
  onAgeMin,
  onAgeMax,
}: {
  ageMin: string;
  ageMax: string;
  onAgeMin: (value: string) => void;
  onAgeMax: (value: string) => void;
}): ReactNode {
  return (
    <>
      <AgeInput label="Estimated age from" value={ageMin} onChange={onAgeMin} />
      <AgeInput label="Estimated age to" value={ageMax} onChange={onAgeMax} />
    </>
  );
}

function AgeInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}): ReactNode {
  return (
    <label>
      {label}
      <input
        type="number"
        min={0}
        max={30}
        step={1}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
    </label>
  );
}

export function DateInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}): ReactNode {
  return (
    <label>
      {label}
      <input
        type="date"
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
    </label>
  );
}

export function NotesInput({
  value,
  onChange,
}: {
  value: string;
  onChange: (value: string) => void;
}): ReactNode {
  return (
    <label>
      Notes
      <textarea
        maxLength={10_000}
        rows={2}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
    </label>
  );
}
