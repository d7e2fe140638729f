import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { describeError, type ShownError } from '../../api/errors';
import {
  CREATE_USER,
  IMPERSONATE,
  MEMBER_NAMES,
  MEMBERS,
  ROLES_AND_GROUPS,
  USER_COUNTS,
  exportCsvUrl,
  type CreatedUser,
  type ImpersonationResult,
  type UserFilter,
} from '../../api/operations';
import { Dialog, ErrorText, Link, Pager, ProfileFields, SelectField, Switch, useCursorPages, useDebounced } from '../components';
import { dateTime, fullName } from '../format';

const PAGE_SIZE = 25;

type Filters = { active: string; permission: string; group: string; role: string; mfa: string };
const NO_FILTERS: Filters = { active: '', permission: '', group: '', role: '', mfa: '' };

/** The select values as the API's UserFilter (every field optional; unset ones do not filter). */
function toUserFilter(f: Filters): UserFilter | null {
  const out: UserFilter = {};
  if (f.active) {
    out.isActive = f.active === 'active';
  }
  if (f.permission) {
    out[f.permission as 'isAdmin' | 'allAccess' | 'portalAccess' | 'hasAdvancedPermissions'] = true;
  }
  if (f.group) {
    out.groupId = f.group;
  }
  if (f.role) {
    out.roleId = f.role;
  }
  if (f.mfa === 'enrolled' || f.mfa === 'not-enrolled') {
    out.mfaEnrolled = f.mfa === 'enrolled';
  } else if (f.mfa === 'opted-out' || f.mfa === 'enforced') {
    out.mfaOptOut = f.mfa === 'opted-out';
  }
  return Object.keys(out).length ? out : null;
}

export function UserManagement(props: { isAdmin: boolean; token: string; onImpersonate: (r: ImpersonationResult) => void }) {
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim(), 250);
  // The filters live here: the CSV export follows the list's search and Active/inactive filter.
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  return (
    <main>
      <div className="title-row">
        <h1>User Management</h1>
        {props.isAdmin ? (
          <AdminActions token={props.token} search={term} active={filters.active ? filters.active === 'active' : null} />
        ) : null}
      </div>
      <div className="search">
        <label htmlFor="member-search">Search</label>
        <input id="member-search" type="search" value={search} placeholder="Name or email" onChange={(e) => setSearch(e.target.value)} />
      </div>
      {props.isAdmin ? (
        <AdminList term={term} filters={filters} setFilters={setFilters} onImpersonate={props.onImpersonate} />
      ) : (
        <NamesList term={term} />
      )}
    </main>
  );
}

function Counts() {
  const { data, error } = useQuery(USER_COUNTS);
  if (error) {
    return <ErrorText error={describeError(error)} />;
  }
  if (!data) {
    return null;
  }
  const c = data.userCounts;
  return (
    <p className="counts" aria-label="User counts">
      {c.licensedSeats ?? 'Unlimited'} Licensed Users | {c.enabled} Enabled | {c.inactive} Inactive
    </p>
  );
}

function AdminList({
  term,
  filters,
  setFilters,
  onImpersonate,
}: {
  term: string;
  filters: Filters;
  setFilters: (f: Filters) => void;
  onImpersonate: (r: ImpersonationResult) => void;
}) {
  const filter = toUserFilter(filters);
  const pages = useCursorPages(JSON.stringify([term, filter]));
  const lists = useQuery(ROLES_AND_GROUPS);
  const { data, error, loading } = useQuery(MEMBERS, { variables: { search: term || null, filter, first: PAGE_SIZE, after: pages.after } });
  const [impersonate] = useMutation(IMPERSONATE);
  const [rowError, setRowError] = useState<{ userId: string; error: ShownError } | null>(null);
  const set = (k: keyof Filters) => (v: string) => setFilters({ ...filters, [k]: v });

  const startImpersonation = async (userId: string): Promise<void> => {
    try {
      const r = await impersonate({ variables: { userId } });
      onImpersonate(r.data!.impersonate);
    } catch (err) {
      setRowError({ userId, error: describeError(err) });
    }
  };

  const groups = lists.data?.userGroups.nodes ?? [];
  const roles = lists.data?.roles.nodes ?? [];
  return (
    <>
      <div className="filters">
        <Counts />
        <SelectField
          label="Active/inactive users"
          value={filters.active}
          onChange={set('active')}
          options={[
            ['', 'All users'],
            ['active', 'Active'],
            ['inactive', 'Inactive'],
          ]}
        />
        <SelectField
          label="User permissions"
          value={filters.permission}
          onChange={set('permission')}
          options={[
            ['', 'Any permissions'],
            ['isAdmin', 'Admin'],
            ['allAccess', 'All Data Access'],
            ['portalAccess', 'Portal URL Access'],
            ['hasAdvancedPermissions', 'Advanced permissions'],
          ]}
        />
        <SelectField
          label="User groups"
          value={filters.group}
          onChange={set('group')}
          options={[['', 'Any group'], ...groups.map((g) => [g.id, g.name] as [string, string])]}
        />
        <SelectField
          label="Roles"
          value={filters.role}
          onChange={set('role')}
          options={[['', 'Any role'], ...roles.map((r) => [r.id, r.name] as [string, string])]}
        />
        <SelectField
          label="MFA status"
          value={filters.mfa}
          onChange={set('mfa')}
          options={[
            ['', 'Any MFA status'],
            ['enrolled', 'MFA enrolled'],
            ['not-enrolled', 'MFA not enrolled'],
            ['opted-out', 'Opted out of org-level MFA'],
            ['enforced', 'Org-level MFA enforced'],
          ]}
        />
      </div>
      <ErrorText error={error ? describeError(error) : null} />
      <ul className="members" aria-label="Members" aria-busy={loading}>
        {(data?.users.nodes ?? []).map((m) => (
          <li key={m.id} className="member">
            <div className="who">
              <Link to={`/users/${m.id}`} className="name">
                {fullName(m)}
              </Link>
              <span className="email">{m.email}</span>
              <span className="last-login">Last login: {m.lastLoginAt ? dateTime(m.lastLoginAt) : 'Never'}</span>
            </div>
            <div className="badges">
              {m.membership.isAdmin ? <span className="badge">Admin</span> : null}
              {!m.membership.isActive ? <span className="badge">Inactive</span> : null}
              {m.membership.mfaOptOut ? <span className="badge">MFA opted out</span> : null}
              {m.mfaEnrolled ? <span className="badge">MFA</span> : null}
            </div>
            {!m.membership.isAdmin ? (
              <button type="button" aria-label={`Impersonate ${fullName(m)}`} onClick={() => void startImpersonation(m.id)}>
                Impersonate
              </button>
            ) : null}
            {rowError?.userId === m.id ? <ErrorText error={rowError.error} /> : null}
          </li>
        ))}
      </ul>
      {data && data.users.nodes.length === 0 ? <p className="muted">No members match.</p> : null}
      <Pager
        page={pages.page}
        hasNext={!!data?.users.pageInfo.hasNextPage}
        onPrevious={pages.previous}
        onNext={() => pages.next(data?.users.pageInfo.endCursor ?? null)}
      />
    </>
  );
}

/** A member who is not an admin: names only, as the API allows. */
function NamesList({ term }: { term: string }) {
  const pages = useCursorPages(term);
  const { data, error } = useQuery(MEMBER_NAMES, { variables: { search: term || null, first: PAGE_SIZE, after: pages.after } });
  return (
    <>
      <ErrorText error={error ? describeError(error) : null} />
      <ul className="members" aria-label="Members">
        {(data?.users.nodes ?? []).map((m) => (
          <li key={m.id} className="member">
            <span className="name">{fullName(m)}</span>
          </li>
        ))}
      </ul>
      <Pager
        page={pages.page}
        hasNext={!!data?.users.pageInfo.hasNextPage}
        onPrevious={pages.previous}
        onNext={() => pages.next(data?.users.pageInfo.endCursor ?? null)}
      />
    </>
  );
}

function AdminActions({ token, search, active }: { token: string; search: string; active: boolean | null }) {
  const [creating, setCreating] = useState(false);
  const [exportError, setExportError] = useState<ShownError | null>(null);

  /**
   * Export as CSV: the REST export (GraphQL has no file download), fetched with the bearer token
   * and handed to the browser as a file; the token never goes into a URL.
   */
  const exportCsv = async (): Promise<void> => {
    setExportError(null);
    try {
      const res = await fetch(exportCsvUrl(search, active), { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
        setExportError({ code: body.error ?? `HTTP_${res.status}`, message: body.message ?? `The export failed (${res.status}).` });
        return;
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'users.csv';
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setExportError(describeError(err));
    }
  };

  return (
    <div className="actions">
      <button type="button" onClick={() => void exportCsv()}>
        Export as CSV
      </button>
      <button type="button" className="primary" onClick={() => setCreating(true)}>
        Create user
      </button>
      <ErrorText error={exportError} />
      {creating ? <CreateUser onClose={() => setCreating(false)} /> : null}
    </div>
  );
}

function CreateUser({ onClose }: { onClose: () => void }) {
  const [form, setForm] = useState({ firstName: '', lastName: '', email: '', isAdmin: false, allAccess: false, portalAccess: false });
  const [error, setError] = useState<ShownError | null>(null);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const [createUser, { loading }] = useMutation(CREATE_USER, { refetchQueries: [MEMBERS, USER_COUNTS] });

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      const r = await createUser({ variables: { input: form } });
      setCreated(r.data!.createUser);
    } catch (err) {
      setError(describeError(err));
    }
  };

  if (created) {
    return (
      <Dialog title="Invitation sent">
        <p>
          {fullName(created.user)} ({created.user.email}) is invited to your org. The invitation goes to that address; it works once, until{' '}
          {dateTime(created.activation.expiresAt)}. They join by setting a password, or by signing in with the password they already have.
        </p>
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      </Dialog>
    );
  }
  return (
    <Dialog title="Create user">
      <form onSubmit={(e) => void submit(e)}>
        <ProfileFields form={form} onChange={(f) => setForm({ ...form, ...f })} error={error} />
        <Switch label="Admin" checked={form.isAdmin} onChange={(v) => setForm({ ...form, isAdmin: v })} />
        <Switch label="All Data Access" checked={form.allAccess} onChange={(v) => setForm({ ...form, allAccess: v })} />
        <Switch label="Portal URL Access" checked={form.portalAccess} onChange={(v) => setForm({ ...form, portalAccess: v })} />
        <button type="submit" className="primary" disabled={loading}>
          Create
        </button>{' '}
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </form>
    </Dialog>
  );
}
