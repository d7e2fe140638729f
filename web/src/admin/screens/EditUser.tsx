import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { describeError, type ShownError } from '../../api/errors';
import {
  EDIT_USER,
  RESET_MFA,
  UPDATE_MEMBERSHIP,
  UPDATE_USER,
  type EditableUser,
  type MembershipChanges,
  type ProfileChanges,
} from '../../api/operations';
import { Dialog, ErrorText, Link, ProfileFields, SelectField, Switch, TextField } from '../components';
import { dateTime, fullName, localInputToIso } from '../format';

const LANGUAGES: Array<[string, string]> = [
  ['en-US', 'English (United States)'],
  ['en-GB', 'English (United Kingdom)'],
  ['de-DE', 'Deutsch (Deutschland)'],
  ['es-ES', 'Español (España)'],
  ['fr-FR', 'Français (France)'],
  ['it-IT', 'Italiano (Italia)'],
  ['ja-JP', '日本語 (日本)'],
  ['nl-NL', 'Nederlands (Nederland)'],
  ['pt-BR', 'Português (Brasil)'],
];

/** The Account Status switches, each a membership flag (Enforce org-level MFA is the inverse of mfaOptOut). */
type Control = 'isActive' | 'portalAccess' | 'isAdmin' | 'allAccess' | 'mfa' | 'reset' | 'language';

/** User Management: Edit User. Changes go through the public API; each error shows beside its control. */
export function EditUser({ userId }: { userId: string }) {
  const { data, error, refetch } = useQuery(EDIT_USER, { variables: { id: userId }, fetchPolicy: 'network-only' });
  if (error && !data) {
    return (
      <main>
        <h1>User Management: Edit User</h1>
        <ErrorText error={describeError(error)} />
      </main>
    );
  }
  if (!data) {
    return <main aria-busy="true">Loading…</main>;
  }
  return <EditUserForm user={data.user} reload={() => refetch()} />;
}

function EditUserForm({ user, reload: refetch }: { user: EditableUser; reload: () => Promise<unknown> }) {
  const m = user.membership;
  const [errors, setErrors] = useState<Partial<Record<Control, ShownError>>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [optingOut, setOptingOut] = useState(false);
  const [confirmingReset, setConfirmingReset] = useState(false);
  const [updateMembership] = useMutation(UPDATE_MEMBERSHIP);
  const [updateUser] = useMutation(UPDATE_USER);
  // The payload's user { id mfaEnrolled } updates the cached member: no refetch.
  const [resetMfa] = useMutation(RESET_MFA);
  // "Reload" after a stale-version refusal: the latest values, and the message goes.
  const reload = (): void => {
    setErrors({});
    void refetch();
  };

  const change = async (control: Control, input: MembershipChanges): Promise<boolean> => {
    setErrors({});
    setNotice(null);
    try {
      // The version we read: a concurrent change elsewhere is a CONFLICT, never silently overwritten.
      await updateMembership({ variables: { input: { ...input, userId: user.id, version: m.version } } });
      return true;
    } catch (err) {
      setErrors({ [control]: describeError(err) });
      return false;
    }
  };

  const setLanguage = async (language: string): Promise<void> => {
    setErrors({});
    try {
      await updateUser({ variables: { input: { userId: user.id, language } } });
      setNotice('Language changed.');
    } catch (err) {
      setErrors({ language: describeError(err) });
    }
  };

  const doReset = async (): Promise<void> => {
    setErrors({});
    try {
      const r = await resetMfa({ variables: { userId: user.id } });
      setNotice(
        r.data!.resetMfa.reset
          ? `Org-level MFA was reset for ${fullName(user)}. They set it up again at their next sign-in.`
          : `${fullName(user)} has no org-level MFA to reset.`,
      );
    } catch (err) {
      setErrors({ reset: describeError(err) });
    }
    setConfirmingReset(false);
  };

  return (
    <main>
      <p>
        <Link to="/users">← User Management</Link>
      </p>
      <h1>User Management: Edit User : {fullName(user)}</h1>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <div className="columns">
        <Profile user={user} />
        <section aria-labelledby="account-status">
          <h2 id="account-status">Account Status</h2>
          <Switch
            label="Enable User"
            checked={m.isActive}
            onChange={(v) => void change('isActive', { isActive: v })}
            error={errors.isActive}
            onReload={reload}
          />
          <Switch
            label="Portal URL Access"
            checked={m.portalAccess}
            onChange={(v) => void change('portalAccess', { portalAccess: v })}
            error={errors.portalAccess}
            onReload={reload}
          />
          <Switch
            label="Admin"
            checked={m.isAdmin}
            onChange={(v) => void change('isAdmin', { isAdmin: v })}
            error={errors.isAdmin}
            onReload={reload}
          />
          <Switch
            label="All Data Access"
            checked={m.allAccess}
            onChange={(v) => void change('allAccess', { allAccess: v })}
            error={errors.allAccess}
            onReload={reload}
          />
          <Switch
            label="Enforce org-level MFA"
            checked={!m.mfaOptOut}
            hint={
              m.mfaOptOut
                ? `Opted out${m.mfaOptOutUntil ? ` until ${dateTime(m.mfaOptOutUntil)}` : ''}${m.mfaOptOutReason ? `: ${m.mfaOptOutReason}` : ''}`
                : undefined
            }
            onChange={(on) => (on ? void change('mfa', { mfaOptOut: false }) : setOptingOut(true))}
            error={optingOut ? null : errors.mfa}
            onReload={reload}
          />
          {optingOut ? (
            <OptOut
              name={fullName(user)}
              error={errors.mfa ?? null}
              onCancel={() => setOptingOut(false)}
              onConfirm={async (until, reason) => {
                if (await change('mfa', { mfaOptOut: true, mfaOptOutUntil: until, mfaOptOutReason: reason })) {
                  setOptingOut(false);
                }
              }}
            />
          ) : null}
          <p>
            <button type="button" onClick={() => setConfirmingReset(true)}>
              Reset org-level MFA for this user
            </button>{' '}
            <span className="hint">{user.mfaEnrolled ? 'Org-level MFA: enrolled' : 'Org-level MFA: not enrolled'}</span>
          </p>
          <ErrorText error={errors.reset} />
          {confirmingReset ? (
            <Dialog title={`Reset org-level MFA for ${fullName(user)}?`}>
              <p>
                Their authenticator and recovery codes for this org stop working and their sessions end. They set up MFA again at their next
                sign-in.
              </p>
              <button type="button" className="danger" onClick={() => void doReset()}>
                Reset MFA
              </button>{' '}
              <button type="button" onClick={() => setConfirmingReset(false)}>
                Cancel
              </button>
            </Dialog>
          ) : null}
          <SelectField
            label="Language"
            value={user.language}
            onChange={(v) => void setLanguage(v)}
            options={LANGUAGES.some(([v]) => v === user.language) ? LANGUAGES : [[user.language, user.language], ...LANGUAGES]}
          />
          <ErrorText error={errors.language} />
        </section>
      </div>
    </main>
  );
}

/** Turning "Enforce org-level MFA" off: an optional end date and reason, then the opt-out. */
function OptOut(props: {
  name: string;
  error: ShownError | null;
  onCancel: () => void;
  onConfirm: (until: string | null, reason: string | null) => Promise<void>;
}) {
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  return (
    <Dialog title={`Opt ${props.name} out of org-level MFA`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void props.onConfirm(localInputToIso(until), reason.trim() || null);
        }}
      >
        <TextField
          label="End date (optional)"
          type="datetime-local"
          value={until}
          onChange={setUntil}
          error={props.error?.field === 'mfaOptOutUntil' ? props.error : null}
        />
        <TextField
          label="Reason (optional)"
          value={reason}
          onChange={setReason}
          error={props.error?.field === 'mfaOptOutReason' ? props.error : null}
        />
        <ErrorText error={props.error && !['mfaOptOutUntil', 'mfaOptOutReason'].includes(props.error.field ?? '') ? props.error : null} />
        <button type="submit" className="primary">
          Opt out
        </button>{' '}
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </form>
    </Dialog>
  );
}

function Profile({ user }: { user: EditableUser }) {
  const [form, setForm] = useState({ firstName: user.firstName, lastName: user.lastName, email: user.email });
  const [error, setError] = useState<ShownError | null>(null);
  const [saved, setSaved] = useState(false);
  const [updateUser, { loading }] = useMutation(UPDATE_USER);
  useEffect(
    () => setForm({ firstName: user.firstName, lastName: user.lastName, email: user.email }),
    [user.firstName, user.lastName, user.email],
  );
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    // Only what changed: an unchanged email is not re-validated against other orgs' rules.
    const input: ProfileChanges = {};
    for (const k of ['firstName', 'lastName', 'email'] as const) {
      if (form[k].trim() !== user[k]) {
        input[k] = form[k].trim();
      }
    }
    if (Object.keys(input).length === 0) {
      setSaved(true);
      return;
    }
    try {
      await updateUser({ variables: { input: { ...input, userId: user.id } } });
      setSaved(true);
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <section aria-labelledby="user-profile">
      <h2 id="user-profile">User Profile</h2>
      <form onSubmit={(e) => void submit(e)}>
        <ProfileFields form={form} onChange={setForm} error={error} />
        <button type="submit" className="primary" disabled={loading}>
          Change user information
        </button>
        {saved ? (
          <span className="notice" role="status">
            {' '}
            Saved.
          </span>
        ) : null}
      </form>
    </section>
  );
}
