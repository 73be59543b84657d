import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api } from '../../api/client';
import { navigate } from '../../app/router';
import { ErrorMessage, PageHeader } from '../../components/states';
import { emptyDrafts, TextsFields, toTexts } from './appeal-texts';

type PersonType = 'wanted_person' | 'missing_child';

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}

/**
 * A wanted-person or missing-child appeal: the photo is re-encoded on the server like every public
 * picture; the public sees the name and the facts of this form, nothing else.
 */
export function ProposePersonAppealPage(): ReactNode {
  const [type, setType] = useState<PersonType>('missing_child');
  const [drafts, setDrafts] = useState(emptyDrafts);
  const [person, setPerson] = useState({
    name: '',
    offence: '',
    issuingAgency: '',
    age: '',
    dateMissing: '',
    placeMissing: '',
  });
  const [country, setCountry] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [error, setError] = useState<unknown>();
  const field = (key: keyof typeof person, label: string, inputType = 'text'): ReactNode => (
    <label>
      {label}
      <input
        type={inputType}
        value={person[key]}
        onChange={(event) => {
          setPerson({ ...person, [key]: event.target.value });
        }}
      />
    </label>
  );
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      if (!photo) {
        throw new Error('Choose a photo first.');
      }
      await api.post('/api/v1/appeals', {
        body: {
          type,
          texts: toTexts(drafts),
          person: {
            name: person.name.trim(),
            offence: type === 'wanted_person' ? person.offence.trim() : '',
            issuingAgency: type === 'wanted_person' ? person.issuingAgency.trim() : '',
            age: type === 'missing_child' && person.age !== '' ? Number(person.age) : null,
            dateMissing: type === 'missing_child' && person.dateMissing !== '' ? person.dateMissing : null,
            placeMissing: type === 'missing_child' ? person.placeMissing.trim() : '',
          },
          country: country.trim() === '' ? null : country.trim().toUpperCase(),
          region: '',
          image: { kind: 'upload', base64: await base64Of(photo) },
          masks: [],
          seriesId: null,
        },
      });
      navigate('/appeals');
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <>
      <PageHeader title="Propose a person appeal" />
      <form onSubmit={(event) => void submit(event)} aria-label="Propose a person appeal">
        <label>
          Kind of appeal
          <select
            value={type}
            onChange={(event) => {
              setType(event.target.value as PersonType);
            }}
          >
            <option value="missing_child">Missing child</option>
            <option value="wanted_person">Wanted person</option>
          </select>
        </label>
        {field('name', 'Name')}
        {type === 'wanted_person' ? (
          <>
            {field('offence', 'Offence')}
            {field('issuingAgency', 'Issuing agency')}
          </>
        ) : (
          <>
            {field('age', 'Age', 'number')}
            {field('dateMissing', 'Missing since', 'date')}
            {field('placeMissing', 'Missing from')}
          </>
        )}
        <label>
          Photo (JPEG, PNG or WebP, under 600 KB)
          <input
            type="file"
            accept="image/jpeg,image/png,image/webp"
            onChange={(event) => {
              setPhoto(event.target.files?.[0] ?? null);
            }}
          />
        </label>
        <label>
          Country code shown to the public (optional)
          <input
            value={country}
            maxLength={2}
            onChange={(event) => {
              setCountry(event.target.value);
            }}
          />
        </label>
        <TextsFields drafts={drafts} onChange={setDrafts} />
        <button type="submit">Propose for review</button>
      </form>
      {error ? <ErrorMessage error={error} title="The appeal was not proposed" /> : null}
    </>
  );
}
