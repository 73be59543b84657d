import { useState, type SyntheticEvent, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { can, useSession } from '../../app/session';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';

type AgencyType = Schemas['CreateAgencyRequest']['type'];
const TYPES: readonly AgencyType[] = [
  'national_police',
  'federal_police',
  'specialised_unit',
  'international',
  'prosecution',
  'local',
];

export function AgenciesPage(): ReactNode {
  const { session } = useSession();
  const agencies = useLoad(() => api.get('/api/v1/agencies'), []);
  return (
    <>
      <PageHeader title="Member agencies" />
      {can(session, 'agency.manage') ? <NewAgencyForm onCreated={agencies.reload} /> : null}
      <section className="card" aria-labelledby="agency-list-title">
        <h2 id="agency-list-title">Agencies</h2>
        <Loaded state={agencies} what="agencies">
          {({ agencies: list }) =>
            list.length === 0 ? (
              <Empty>No agencies yet.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Country</th>
                    <th scope="col">Type</th>
                    <th scope="col">Contact</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((agency) => (
                    <tr key={agency.id}>
                      <td>{agency.name}</td>
                      <td>{agency.country}</td>
                      <td>{agency.type.replace(/_/g, ' ')}</td>
                      <td>{agency.contact ?? '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Loaded>
      </section>
    </>
  );
}

function NewAgencyForm({ onCreated }: { onCreated: () => void }): ReactNode {
  const [name, setName] = useState('');
  const [country, setCountry] = useState('');
  const [type, setType] = useState<AgencyType>('national_police');
  const [contact, setContact] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.post('/api/v1/agencies', {
        body: { name, country, type, ...(contact.trim() ? { contact: contact.trim() } : {}) },
      });
      setName('');
      setCountry('');
      setContact('');
      onCreated();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form
      className="card form-row"
      onSubmit={(event) => void submit(event)}
      aria-labelledby="new-agency-title"
    >
      <h2 id="new-agency-title">Add an agency</h2>
      <label>
        Name
        <input
          required
          value={name}
          onChange={(event) => {
            setName(event.target.value);
          }}
        />
      </label>
      <label>
        Country (ISO code)
        <input
          required
          maxLength={2}
          pattern="[A-Za-z]{2}"
          value={country}
          onChange={(event) => {
            setCountry(event.target.value.toUpperCase());
          }}
        />
      </label>
      <label>
        Type
        <select
          value={type}
          onChange={(event) => {
            setType(event.target.value as AgencyType);
          }}
        >
          {TYPES.map((value) => (
            <option key={value} value={value}>
              {value.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
      </label>
      <label>
        Contact (optional)
        <input
          value={contact}
          onChange={(event) => {
            setContact(event.target.value);
          }}
        />
      </label>
      <button type="submit" className="primary">
        Add agency
      </button>
      {error ? <ErrorMessage error={error} title="The agency was not added" /> : null}
    </form>
  );
}
