import type { PersonName } from '../api/operations';

export const fullName = (p: Pick<PersonName, 'firstName' | 'lastName'> | null | undefined): string =>
  p ? `${p.firstName} ${p.lastName}` : '';

export function dateTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** A datetime-local input's value (local time, no zone) as an ISO date-time with zone, or null. */
export function localInputToIso(value: string): string | null {
  if (!value) {
    return null;
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
