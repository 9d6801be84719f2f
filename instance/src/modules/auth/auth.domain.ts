import { AppError } from '../../platform/errors.ts';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** The form e-mails are stored and compared in: trimmed and lower-cased (no validation). */
export const canonicalEmail = (email: string) => email.trim().toLowerCase();

/** Lower-cased, trimmed e-mail; refused when it does not look like an address. */
export function normalizeEmail(email: string): string {
  const e = canonicalEmail(email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) || e.length > 254) {
    throw new AppError('auth.email_invalid', 'Not a valid e-mail address', { field: 'email' });
  }
  return e;
}

export function validateNewPassword(password: string, field = 'password'): void {
  if (password.length < PASSWORD_MIN) {
    throw new AppError('auth.password_too_short', `The password needs at least ${PASSWORD_MIN} characters`, { field, min: PASSWORD_MIN });
  }
  if (password.length > PASSWORD_MAX) {
    throw new AppError('auth.password_too_long', `The password may have at most ${PASSWORD_MAX} characters`, { field, max: PASSWORD_MAX });
  }
}
