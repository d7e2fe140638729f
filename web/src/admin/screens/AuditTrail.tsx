import { useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { describeError } from '../../api/errors';
import { AUDIT_EVENTS, MEMBER_NAMES, type AuditEventFilter, type AuditEventRow, type PersonName } from '../../api/operations';
import { ErrorText, Pager, TextField, useCursorPages, useDebounced } from '../components';
import { dateTime, fullName, localInputToIso } from '../format';

const PAGE_SIZE = 50;

/** Picks a member by name (prefix search as you type) for the actor or target filter. */
function MemberPicker({ label, value, onChange }: { label: string; value: PersonName | null; onChange: (p: PersonName | null) => void }) {
  const [text, setText] = useState('');
  const term = useDebounced(text.trim(), 250);
  const { data } = useQuery(MEMBER_NAMES, { variables: { search: term, first: 8 }, skip: !term || !!value });
  if (value) {
    return (
      <div className="field">
        <span className="label">{label}</span>
        <span className="chip">
          {fullName(value)}{' '}
          <button type="button" aria-label={`Clear ${label}`} onClick={() => onChange(null)}>
            ×
          </button>
        </span>
      </div>
    );
  }
  return (
    <div className="picker">
      <TextField label={label} value={text} onChange={setText} />
      {term && data ? (
        <ul className="suggestions" aria-label={`${label} suggestions`}>
          {data.users.nodes.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                onClick={() => {
                  onChange(p);
                  setText('');
                }}
              >
                {fullName(p)}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** One entry per changed field; a recorded fact (no before) shows its value alone. */
function describeChanges(changes: AuditEventRow['changes']): string {
  return changes
    .map((c) =>
      c.before === null ? `${c.field}: ${JSON.stringify(c.after)}` : `${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`,
    )
    .join('; ');
}

/** User Management Audit Trail: the org's audit events, newest first, filterable by actor, target, action and time. */
export function AuditTrail() {
  const [actor, setActor] = useState<PersonName | null>(null);
  const [target, setTarget] = useState<PersonName | null>(null);
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const filter: AuditEventFilter = {};
  if (actor) {
    filter.actorId = actor.id;
  }
  if (target) {
    filter.targetUserId = target.id;
  }
  const act = useDebounced(action.trim(), 300);
  if (act) {
    filter.actionName = act;
  }
  const fromIso = localInputToIso(from);
  const toIso = localInputToIso(to);
  if (fromIso) {
    filter.from = fromIso;
  }
  if (toIso) {
    filter.to = toIso;
  }
  const pages = useCursorPages(JSON.stringify(filter));
  const { data, error, loading } = useQuery(AUDIT_EVENTS, {
    variables: { filter, first: PAGE_SIZE, after: pages.after },
    fetchPolicy: 'network-only',
  });
  const person = (p: PersonName | null, id: string | null): string => (p ? fullName(p) : id ? `user #${id} (left the org)` : '—');

  return (
    <main>
      <h1>User Management Audit Trail</h1>
      <div className="filters">
        <MemberPicker label="Actor" value={actor} onChange={setActor} />
        <MemberPicker label="Target" value={target} onChange={setTarget} />
        <TextField label="Action" value={action} onChange={setAction} />
        <TextField label="From" type="datetime-local" value={from} onChange={setFrom} />
        <TextField label="To" type="datetime-local" value={to} onChange={setTo} />
      </div>
      <ErrorText error={error ? describeError(error) : null} />
      <table aria-label="Audit events" aria-busy={loading}>
        <thead>
          <tr>
            <th>Time</th>
            <th>Action</th>
            <th>Outcome</th>
            <th>Actor</th>
            <th>Target</th>
            <th>Changes</th>
          </tr>
        </thead>
        <tbody>
          {(data?.auditEvents.nodes ?? []).map((e) => (
            <tr key={e.id}>
              <td>{dateTime(e.at)}</td>
              <td>
                <code>{e.actionName}</code>
              </td>
              <td>{e.outcome === 'SUCCESS' ? 'success' : e.outcome}</td>
              <td>
                {person(e.actor, e.actorId)}
                {e.impersonator ? ` (impersonated by ${fullName(e.impersonator)})` : ''}
              </td>
              <td>{person(e.target, e.targetUserId)}</td>
              <td>{describeChanges(e.changes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.auditEvents.nodes.length === 0 ? <p className="muted">No events match.</p> : null}
      <Pager
        page={pages.page}
        hasNext={!!data?.auditEvents.pageInfo.hasNextPage}
        onPrevious={pages.previous}
        onNext={() => pages.next(data?.auditEvents.pageInfo.endCursor ?? null)}
      />
    </main>
  );
}
