/**
 * CSV formula-injection defence (OWASP "CSV Injection"): a spreadsheet runs a cell that starts
 * with = + - or @ as a formula (e.g. `=HYPERLINK(...)`, `@SUM(...)`, DDE `=cmd|...`), and TAB or
 * CR can hide such a start after a separator Excel skips. A member's name is attacker-controlled,
 * so every text cell of an export that starts with one of those is prefixed with a single quote,
 * which spreadsheets show as text and do not display.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
