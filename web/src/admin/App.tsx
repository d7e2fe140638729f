import { useMemo, useState } from 'react';
import { ApolloProvider, useMutation, useQuery } from '@apollo/client/react';
import { makeClient } from '../api/client';
import { describeError } from '../api/errors';
import { ME, SIGN_OUT, STOP_IMPERSONATING, type ImpersonationResult, type Me } from '../api/operations';
import { ADMIN_TOKEN_KEY, readToken, writeToken } from '../api/session-storage';
import { ErrorText, Link } from './components';
import { fullName } from './format';
import { navigate, usePath } from './router';
import { Activate, SignIn } from './screens/SignIn';
import { UserManagement } from './screens/UserManagement';
import { EditUser } from './screens/EditUser';
import { AdminOverview } from './screens/AdminOverview';
import { AuditTrail } from './screens/AuditTrail';

/**
 * The console: the session token lives in sessionStorage (this tab only); every change of
 * identity (sign in, impersonate, stop, sign out) gets a new Apollo Client and cache.
 */
export function App() {
  const [token, setToken] = useState<string | null>(readToken());
  const path = usePath();
  const client = useMemo(() => makeClient(token), [token]);

  const switchTo = (next: string | null): void => {
    writeToken(next);
    setToken(next);
  };
  const signedOut = (): void => {
    writeToken(null, ADMIN_TOKEN_KEY);
    switchTo(null);
  };

  if (path.startsWith('/activate')) {
    return <Activate onDone={() => navigate('/')} />;
  }
  if (!token) {
    return <SignIn onSignedIn={switchTo} />;
  }
  return (
    <ApolloProvider client={client}>
      <Shell
        key={token}
        token={token}
        path={path}
        onSignedOut={signedOut}
        onImpersonate={(r) => {
          writeToken(token, ADMIN_TOKEN_KEY);
          switchTo(r.token);
          navigate('/users');
        }}
        onStopImpersonating={() => {
          const admin = readToken(ADMIN_TOKEN_KEY);
          writeToken(null, ADMIN_TOKEN_KEY);
          switchTo(admin);
          navigate('/users');
        }}
      />
    </ApolloProvider>
  );
}

function Shell(props: {
  token: string;
  path: string;
  onSignedOut: () => void;
  onImpersonate: (r: ImpersonationResult) => void;
  onStopImpersonating: () => void;
}) {
  const { data, error } = useQuery(ME, { fetchPolicy: 'network-only' });
  const [signOut] = useMutation(SIGN_OUT);
  const [stop] = useMutation(STOP_IMPERSONATING);
  if (error && !data) {
    const shown = describeError(error);
    if (shown.code === 'UNAUTHENTICATED' || shown.code === 'FORBIDDEN') {
      // An expired or revoked session (or one that was only good for an MFA step).
      return (
        <main className="card narrow">
          <ErrorText error={shown} />
          <button type="button" className="primary" onClick={props.onSignedOut}>
            Sign in again
          </button>
        </main>
      );
    }
    return <ErrorText error={shown} />;
  }
  if (!data) {
    return <main aria-busy="true">Loading…</main>;
  }
  const me: Me = data.me;
  const impersonating = !!me.impersonator;
  // An impersonation session acts as the member: the admin controls are theirs to see only when they are an admin.
  const isAdmin = me.membership.isAdmin && !impersonating;
  const doSignOut = async (): Promise<void> => {
    await signOut().catch(() => undefined);
    props.onSignedOut();
  };
  const doStop = async (): Promise<void> => {
    // Even if the impersonation session has already ended, the admin's own session comes back.
    await stop().catch(() => undefined);
    props.onStopImpersonating();
  };
  const link = (to: string, label: string) => (
    <Link to={to} current={props.path === to || (to === '/users' && props.path === '/')}>
      {label}
    </Link>
  );

  let screen;
  const edit = /^\/users\/(\d+)$/.exec(props.path);
  if (edit && isAdmin) {
    screen = <EditUser key={edit[1]} userId={edit[1]} />;
  } else if (props.path === '/overview' && isAdmin) {
    screen = <AdminOverview />;
  } else if (props.path === '/audit' && isAdmin) {
    screen = <AuditTrail />;
  } else {
    screen = <UserManagement isAdmin={isAdmin} token={props.token} onImpersonate={props.onImpersonate} />;
  }
  return (
    <>
      {impersonating ? (
        <div className="impersonation" role="status" aria-label="Impersonation">
          {fullName(me.impersonator)} is impersonating {fullName(me.user)}.{' '}
          <button type="button" onClick={() => void doStop()}>
            Stop impersonating
          </button>
        </div>
      ) : null}
      <header className="top">
        <span className="brand">Gatehouse · {me.org.name}</span>
        <nav aria-label="Administration">
          {link('/users', 'User Management')}
          {isAdmin ? link('/overview', 'Admin Overview') : null}
        </nav>
        <span className="me">
          {fullName(me.user)}{' '}
          <button type="button" onClick={() => void doSignOut()}>
            Sign out
          </button>
        </span>
      </header>
      {screen}
    </>
  );
}
