import pino, { type Logger } from 'pino';

/**
 * JSON logs. Anything that could hold a credential is redacted by key (top level and two levels
 * down), whatever the caller logs: Authorization headers, cookies, passwords and their hashes,
 * codes, tokens, secrets, GraphQL variables and the bound values of a failed SQL statement.
 */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'token',
  'tokenHash',
  'codes',
  'recoveryCodes',
  'secret',
  'secretBase32',
  'otpauthUri',
  'qrCode',
  'qrCodeDataUrl',
  'authorization',
  'cookie',
  // TypeORM's QueryFailedError carries the statement's bound values (hashes, encrypted secrets).
  'parameters',
  'variables',
];

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'err.driverError.parameters',
  // A bare `code` is a TOTP code only where we put one; elsewhere (err.code) it is an error code.
  'code',
  'input.code',
  'args.code',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gatehouse' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
