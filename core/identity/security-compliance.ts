// Keystone's [security_compliance] rules: lockout, password regex, history, minimum age, expiry, change on first use.
import { errors } from '../errors.js';
import type { Clock, PasswordHasher, SecurityComplianceOptions } from './ports.js';
import type { UserRow } from './users.js';

const DAY_MS = 24 * 3600 * 1000;

/** Keystone's user options that exempt a user from a rule (`options` on the wire). */
export const USER_OPTIONS = [
  'ignore_change_password_upon_first_use',
  'ignore_password_expiry',
  'ignore_lockout_failure_attempts',
  'lock_password',
  'ignore_user_inactivity',
  'multi_factor_auth_enabled',
] as const;

const opt = (u: Pick<UserRow, 'options'>, name: string) => u.options?.[name] === true;

/** The rules, bound to the configured options and a clock. All off by default, as in Keystone. */
export class SecurityCompliance {
  constructor(
    private readonly opts: SecurityComplianceOptions,
    private readonly clock: Clock,
  ) {}

  /** `password_regex`: 400 `The password does not match the requirements: <description>.` */
  validateFormat(password: string): void {
    const pattern = this.opts.passwordRegex;
    if (!pattern) return;
    // Keystone uses re.match: anchored at the start only.
    const re = new RegExp(pattern.startsWith('^') ? pattern : `^(?:${pattern})`);
    if (!re.test(password)) {
      const detail = this.opts.passwordRegexDescription ?? 'None';
      throw errors.invalid(`The password does not match the requirements: ${detail}.`, { reason: 'password_requirements' });
    }
  }

  /** True while the user is locked out after `lockout_failure_attempts` failures within `lockout_duration`. */
  isLocked(user: UserRow): boolean {
    const max = this.opts.lockoutFailureAttempts;
    if (!max || opt(user, 'ignore_lockout_failure_attempts')) return false;
    if (user.failedAuthCount < max) return false;
    if (!this.opts.lockoutDurationSeconds) return true;
    return (user.failedAuthAt ?? 0) + this.opts.lockoutDurationSeconds * 1000 > this.clock.now();
  }

  /** True when failed attempts should be counted at all (lockout configured). */
  get countsFailures(): boolean {
    return !!this.opts.lockoutFailureAttempts;
  }

  /** True when the stored password has passed its expiry (`password_expires_days`, or first-use expiry). */
  isExpired(user: UserRow): boolean {
    if (opt(user, 'ignore_password_expiry')) return false;
    return user.passwordExpiresAt !== null && user.passwordExpiresAt <= this.clock.now();
  }

  /**
   * Expiry of a password being set now. An administrator's set (create, reset) with
   * `change_password_upon_first_use` expires at once, so the user must change it before logging in.
   */
  expiryFor(user: Pick<UserRow, 'options'>, selfService: boolean): number | null {
    const now = this.clock.now();
    if (!selfService && this.opts.changePasswordUponFirstUse && !opt(user, 'ignore_change_password_upon_first_use')) return now;
    if (this.opts.passwordExpiresDays && !opt(user, 'ignore_password_expiry')) return now + this.opts.passwordExpiresDays * DAY_MS;
    return null;
  }

  /** `minimum_password_age`, for self-service changes of a self-set password: 400 with Keystone's text. */
  checkMinimumAge(user: UserRow): void {
    const days = this.opts.minimumPasswordAgeDays;
    if (!days || !user.passwordSelfService || user.passwordCreatedAt === null) return;
    const allowedAt = user.passwordCreatedAt + days * DAY_MS;
    const now = this.clock.now();
    if (now < allowedAt) {
      const daysLeft = Math.floor((allowedAt - now) / DAY_MS);
      throw errors.invalid(
        `You cannot change your password at this time due to the minimum password age. Once you change your password, it must be used for ${days} day(s) before it can be changed. Please try again in ${daysLeft} day(s) or contact your administrator to reset your password.`,
        { reason: 'password_age' },
      );
    }
  }

  /**
   * How many stored hashes the history check compares against: Keystone checks the last
   * `unique_last_password_count` passwords, the current one included (`passwords[-unique_cnt:]`).
   */
  get historyDepth(): number {
    return Math.max(0, this.opts.uniqueLastPasswordCount);
  }

  /** `unique_last_password_count`: the new password must differ from the last N, current included (newest first in `recent`). */
  async checkHistory(newPassword: string, recent: string[], hasher: PasswordHasher): Promise<void> {
    const n = this.opts.uniqueLastPasswordCount;
    for (const hash of recent.slice(0, this.historyDepth)) {
      if (await hasher.verify(newPassword, hash)) {
        // Keystone's message, including its missing space ("whichincludes").
        throw errors.invalid(
          `The new password cannot be identical to a previous password. The total number whichincludes the new password must be unique is ${n}.`,
          { reason: 'password_history' },
        );
      }
    }
  }
}
