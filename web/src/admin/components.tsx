import { useEffect, useId, useState, type ReactNode } from 'react';
import type { ShownError } from '../api/errors';
import { BASE, navigate } from './router';

/** An error shown next to what caused it; role=alert so screen readers announce it. */
export function ErrorText({ error, onReload }: { error: ShownError | null | undefined; onReload?: () => void }) {
  if (!error) {
    return null;
  }
  return (
    <p className="error" role="alert" data-code={error.code}>
      {error.message}
      {error.stale && onReload ? (
        <>
          {' '}
          <button type="button" className="link" onClick={onReload}>
            Reload
          </button>
        </>
      ) : null}
    </p>
  );
}

/** A labelled text input; its visible label is its accessible name, its error sits beneath it. */
export function TextField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  required?: boolean;
  error?: ShownError | null;
  autoComplete?: string;
  inputMode?: 'numeric' | 'text';
  readOnly?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>
        {props.required ? <span className="required">* </span> : null}
        {props.label}
      </label>
      <input
        id={id}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        readOnly={props.readOnly}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        aria-invalid={props.error ? true : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <ErrorText error={props.error} />
    </div>
  );
}

/** A labelled select. */
export function SelectField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: Array<[value: string, label: string]>;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A toggle switch (a checkbox with role=switch) named by its label. */
export function Switch(props: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  hint?: string;
  error?: ShownError | null;
  onReload?: () => void;
}) {
  const id = useId();
  return (
    <div className="switch-row">
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
      {props.hint ? (
        <span id={`${id}-hint`} className="hint">
          {props.hint}
        </span>
      ) : null}
      <ErrorText error={props.error} onReload={props.onReload} />
    </div>
  );
}

/** A modal-less dialog panel: a labelled region with its own heading. */
export function Dialog({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="dialog" role="dialog" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

/** The value after it has stopped changing for `ms` (search as you type without a request per key). */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

/** Previous / Next over a cursor connection: a stack of the `after` cursors of the pages seen. */
export function useCursorPages(resetKey: string): {
  after: string | null;
  page: number;
  next: (endCursor: string | null) => void;
  previous: () => void;
} {
  const [state, setState] = useState<{ key: string; stack: Array<string | null> }>({ key: resetKey, stack: [null] });
  const stack = state.key === resetKey ? state.stack : [null];
  return {
    after: stack[stack.length - 1],
    page: stack.length,
    next: (endCursor) => setState({ key: resetKey, stack: [...stack, endCursor] }),
    previous: () => setState({ key: resetKey, stack: stack.length > 1 ? stack.slice(0, -1) : stack }),
  };
}

export function Pager(props: { page: number; hasNext: boolean; onPrevious: () => void; onNext: () => void }) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" onClick={props.onPrevious} disabled={props.page <= 1}>
        Previous
      </button>
      <span>Page {props.page}</span>
      <button type="button" onClick={props.onNext} disabled={!props.hasNext}>
        Next
      </button>
    </nav>
  );
}

/** A link inside the console: a real href (open in a new tab works), client-side navigation on click. */
export function Link({ to, children, className, current }: { to: string; children: ReactNode; className?: string; current?: boolean }) {
  return (
    <a
      href={`${BASE}${to}`}
      className={className}
      aria-current={current ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export interface ProfileForm {
  firstName: string;
  lastName: string;
  email: string;
}

/** First Name, Last Name and Email (Create user and User Profile), each with the API error for its field. */
export function ProfileFields({
  form,
  onChange,
  error,
}: {
  form: ProfileForm;
  onChange: (f: ProfileForm) => void;
  error: ShownError | null;
}) {
  const at = (f: string): ShownError | null => (error?.field === f ? error : null);
  return (
    <>
      <div className="pair">
        <TextField
          label="First Name"
          value={form.firstName}
          onChange={(v) => onChange({ ...form, firstName: v })}
          required
          error={at('firstName')}
        />
        <TextField
          label="Last Name"
          value={form.lastName}
          onChange={(v) => onChange({ ...form, lastName: v })}
          required
          error={at('lastName')}
        />
      </div>
      <TextField
        label="Email"
        type="email"
        value={form.email}
        onChange={(v) => onChange({ ...form, email: v })}
        required
        error={at('email')}
      />
      <ErrorText error={error && !['firstName', 'lastName', 'email'].includes(error.field ?? '') ? error : null} />
    </>
  );
}
