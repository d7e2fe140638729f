import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { describeError, type ShownError } from '../../api/errors';
import { makeClient } from '../../api/client';
import {
  ACTIVATE_ACCOUNT,
  GENERATE_MFA_SECRET,
  SIGN_IN,
  VALIDATE_MFA_CODE,
  VERIFY_MFA,
  type MfaTempSecret,
  type SignInResult,
} from '../../api/operations';
import { ErrorText, Link, TextField } from '../components';

type Step = { kind: 'password' } | { kind: 'challenge'; token: string } | { kind: 'enroll'; token: string };

const fieldError = (e: ShownError | null, field: string): ShownError | null => (e?.field === field ? e : null);

/**
 * Sign in (org, email, password), then the MFA challenge or the enrollment the org's policy asks
 * for. The MFA-step tokens stay in memory; only the full session token is handed to onSignedIn
 * (which keeps it in sessionStorage).
 */
export function SignIn({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const anonymous = useMemo(() => makeClient(null), []);
  const [org, setOrg] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);

  const next = (r: SignInResult): void => {
    setError(null);
    if (r.status === 'SIGNED_IN') {
      onSignedIn(r.token);
    } else if (r.status === 'MFA_REQUIRED') {
      setStep({ kind: 'challenge', token: r.token });
    } else {
      setStep({ kind: 'enroll', token: r.token });
    }
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await anonymous.mutate({ mutation: SIGN_IN, variables: { orgSlug: org.trim(), email: email.trim(), password } });
      setPassword('');
      next(r.data!.signIn);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  if (step.kind === 'challenge') {
    return <MfaChallenge token={step.token} onDone={next} onCancel={() => setStep({ kind: 'password' })} />;
  }
  if (step.kind === 'enroll') {
    return <MfaEnrollment token={step.token} onSignedIn={onSignedIn} onCancel={() => setStep({ kind: 'password' })} />;
  }
  return (
    <main className="card narrow">
      <h1>Sign in</h1>
      <form onSubmit={(e) => void submit(e)}>
        <TextField label="Org" value={org} onChange={setOrg} required autoComplete="organization" error={fieldError(error, 'orgSlug')} />
        <TextField label="Email" type="email" value={email} onChange={setEmail} required autoComplete="username" />
        <TextField label="Password" type="password" value={password} onChange={setPassword} required autoComplete="current-password" />
        <ErrorText error={error && !error.field ? error : null} />
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
      <p className="muted">
        Invited? <Link to="/activate">Activate your account</Link>
      </p>
    </main>
  );
}

function MfaChallenge({ token, onDone, onCancel }: { token: string; onDone: (r: SignInResult) => void; onCancel: () => void }) {
  const client = useMemo(() => makeClient(token), [token]);
  const [code, setCode] = useState('');
  const [error, setError] = useState<ShownError | null>(null);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    try {
      const r = await client.mutate({ mutation: VERIFY_MFA, variables: { code: code.trim() } });
      onDone(r.data!.verifyMfa);
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <main className="card narrow">
      <h1>Multi-factor authentication</h1>
      <p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
      <form onSubmit={(e) => void submit(e)}>
        <TextField label="Code" value={code} onChange={setCode} required autoComplete="one-time-code" error={error} />
        <button type="submit" className="primary">
          Verify
        </button>{' '}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </form>
    </main>
  );
}

/** Enrollment: the QR code and the base32 secret, a code to confirm, then the recovery codes shown once. */
function MfaEnrollment({ token, onSignedIn, onCancel }: { token: string; onSignedIn: (token: string) => void; onCancel: () => void }) {
  const client = useMemo(() => makeClient(token), [token]);
  const [secret, setSecret] = useState<MfaTempSecret | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<ShownError | null>(null);
  const [done, setDone] = useState<{ recoveryCodes: string[]; token: string } | null>(null);
  const started = useRef(false);

  useEffect(() => {
    // Once per enrollment: a second call would replace the secret the page shows.
    if (started.current) {
      return;
    }
    started.current = true;
    client
      .mutate({ mutation: GENERATE_MFA_SECRET })
      .then((r) => setSecret(r.data!.generateMfaTempSecret.tempSecret))
      .catch((err: unknown) => setError(describeError(err)));
  }, [client]);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    try {
      const r = await client.mutate({ mutation: VALIDATE_MFA_CODE, variables: { code: code.trim() } });
      const result = r.data!.validateMfaCode;
      setDone({ recoveryCodes: result.recoveryCodes, token: result.session?.token ?? token });
    } catch (err) {
      setError(describeError(err));
    }
  };

  if (done) {
    return (
      <main className="card narrow">
        <h1>Multi-factor authentication is set up</h1>
        <h2>Recovery codes</h2>
        <p>
          Each code signs you in once when you do not have your authenticator. They are shown <strong>only now</strong>: store them
          somewhere safe.
        </p>
        <ol className="recovery-codes" aria-label="Recovery codes">
          {done.recoveryCodes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <button type="button" className="primary" onClick={() => onSignedIn(done.token)}>
          I have saved my recovery codes
        </button>
      </main>
    );
  }
  return (
    <main className="card narrow">
      <h1>Set up multi-factor authentication</h1>
      <p>Your org requires an authenticator app. Scan the QR code, or type the secret key into the app, then enter the code it shows.</p>
      {secret ? (
        <>
          <img className="qr" src={secret.qrCodeDataUrl} alt="QR code for your authenticator app" width={200} height={200} />
          <p>
            Secret key: <code aria-label="Secret key">{secret.secret}</code>
          </p>
        </>
      ) : (
        <p>Preparing…</p>
      )}
      <form onSubmit={(e) => void submit(e)}>
        <TextField label="Code from your authenticator app" value={code} onChange={setCode} required inputMode="numeric" error={error} />
        <button type="submit" className="primary" disabled={!secret}>
          Confirm
        </button>{' '}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </form>
    </main>
  );
}

/**
 * Redeems the one-time token of an invitation or a password reset (from the mailed link, after #token=): a new
 * person sets a password; someone who already has an account types that account's password to join.
 */
export function Activate({ onDone }: { onDone: () => void }) {
  const anonymous = useMemo(() => makeClient(null), []);
  const fromLink = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [token, setToken] = useState(fromLink);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ShownError | null>(null);
  const [activated, setActivated] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    try {
      await anonymous.mutate({ mutation: ACTIVATE_ACCOUNT, variables: { token: token.trim(), password } });
      setActivated(true);
      // The token is spent: drop it from the address bar and history.
      window.history.replaceState(null, '', window.location.pathname);
    } catch (err) {
      setError(describeError(err));
    }
  };
  if (activated) {
    return (
      <main className="card narrow">
        <h1>Your account is active</h1>
        <p>Sign in with your org, your email and the password you chose.</p>
        <button type="button" className="primary" onClick={onDone}>
          Go to sign in
        </button>
      </main>
    );
  }
  return (
    <main className="card narrow">
      <h1>Activate your account</h1>
      <p>New here: choose a password. Already have an account with this email (in another org): type its password to join.</p>
      <form onSubmit={(e) => void submit(e)}>
        <TextField label="Activation token" value={token} onChange={setToken} required error={fieldError(error, 'token')} />
        <TextField
          label="New password"
          type="password"
          value={password}
          onChange={setPassword}
          required
          autoComplete="new-password"
          error={fieldError(error, 'password')}
        />
        <ErrorText error={error && error.field !== 'token' && error.field !== 'password' ? error : null} />
        <button type="submit" className="primary">
          Activate account
        </button>
      </form>
    </main>
  );
}
