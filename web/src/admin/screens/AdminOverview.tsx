import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { describeError, type ShownError } from '../../api/errors';
import { ORG_MFA, SET_ORG_MFA_REQUIRED } from '../../api/operations';
import { ErrorText, Link, Switch } from '../components';
import { dateTime, fullName } from '../format';

/**
 * Whether this server offers GraphiQL (development: introspection on). Asked once; in
 * production /graphiql/ is 404 and the tile says so instead of linking to nothing.
 */
function useGraphiqlAvailable(): boolean | null {
  const [available, setAvailable] = useState<boolean | null>(null);
  useEffect(() => {
    fetch('/graphiql/', { method: 'GET' })
      .then((r) => setAvailable(r.ok))
      .catch(() => setAvailable(false));
  }, []);
  return available;
}

export function AdminOverview() {
  const graphiql = useGraphiqlAvailable();
  return (
    <main>
      <h1>Admin Overview</h1>
      <section aria-labelledby="tools">
        <h2 id="tools">Tools</h2>
        <ul className="tiles">
          <li>
            {/* Same tab: /docs reads this tab's session (sessionStorage) and starts authorized. */}
            <a className="tile" href="/docs">
              <strong>Swagger Docs</strong>
              <span>The legacy REST API, already authorized with this session</span>
            </a>
          </li>
          <li>
            {graphiql === false ? (
              <span className="tile disabled" aria-disabled="true">
                <strong>GraphQL IDE</strong>
                <span>Not offered by this server (production: introspection is off)</span>
              </span>
            ) : (
              <a className="tile" href="/graphiql/">
                <strong>GraphQL IDE</strong>
                <span>GraphiQL, offline, with this session's token</span>
              </a>
            )}
          </li>
          <li>
            <Link className="tile" to="/audit">
              <strong>User Management Audit Trail</strong>
              <span>Who changed what, and refused attempts</span>
            </Link>
          </li>
          <li>
            <Link className="tile" to="/users">
              <strong>User Management</strong>
              <span>Members, permissions and MFA</span>
            </Link>
          </li>
        </ul>
      </section>
      <OrgMfa />
    </main>
  );
}

function OrgMfa() {
  const { data, error } = useQuery(ORG_MFA, { fetchPolicy: 'network-only' });
  const [setRequired] = useMutation(SET_ORG_MFA_REQUIRED);
  const [changeError, setChangeError] = useState<ShownError | null>(null);
  if (error && !data) {
    return <ErrorText error={describeError(error)} />;
  }
  if (!data) {
    return null;
  }
  const toggle = async (required: boolean): Promise<void> => {
    setChangeError(null);
    try {
      await setRequired({ variables: { required } });
    } catch (err) {
      setChangeError(describeError(err));
    }
  };
  return (
    <section aria-labelledby="org-mfa">
      <h2 id="org-mfa">Multi-factor authentication</h2>
      <Switch
        label="Enforce org-level MFA"
        checked={data.me.org.mfaRequired}
        hint="Every member not opted out needs an authenticator code at sign-in (from their next sign-in)."
        onChange={(v) => void toggle(v)}
        error={changeError}
      />
      <h3>MFA exemptions</h3>
      {data.mfaExemptions.nodes.length === 0 ? (
        <p className="muted">Nobody is opted out.</p>
      ) : (
        <table aria-label="MFA exemptions">
          <thead>
            <tr>
              <th>Member</th>
              <th>Since</th>
              <th>Until</th>
              <th>Reason</th>
              <th>Granted by</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {data.mfaExemptions.nodes.map((x) => (
              <tr key={x.user.id}>
                <td>
                  <Link to={`/users/${x.user.id}`}>{fullName(x.user)}</Link>
                </td>
                <td>{dateTime(x.since)}</td>
                <td>{x.until ? dateTime(x.until) : 'No end'}</td>
                <td>{x.reason ?? ''}</td>
                <td>{fullName(x.grantedBy)}</td>
                <td>{x.effective ? 'In effect' : 'Ended'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.mfaExemptions.pageInfo.hasNextPage ? <p className="muted">Showing the first 200 exemptions.</p> : null}
    </section>
  );
}
