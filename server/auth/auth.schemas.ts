/** Validation of the auth and user routes' input. */
import { z } from 'zod';
import { USER_ROLES } from '../../common/vocabulary.js';
import { limitQuery } from '../http/validate.js';

export const username = z.string().regex(/^[a-z0-9._-]{3,64}$/, 'must be 3-64 lowercase letters, digits, . _ -');
export const password = z.string().min(12, 'must be at least 12 characters').max(256);
const displayName = z.string().trim().min(1).max(120);

export const loginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict();

/** `POST /auth/password`: the caller's own password change. */
export const passwordChangeBody = z.object({ currentPassword: z.string().min(1).max(256), newPassword: password }).strict();

export const createUserBody = z
  .object({ username, password, role: z.enum(USER_ROLES), displayName })
  .strict();
export type CreateUserInput = z.output<typeof createUserBody>;

export const updateUserBody = z
  .object({ password: password.optional(), role: z.enum(USER_ROLES).optional(), displayName: displayName.optional(), active: z.boolean().optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'must change at least one field');
export type UpdateUserInput = z.output<typeof updateUserBody>;

export const userListQuery = z.object({ role: z.enum(USER_ROLES).optional(), limit: limitQuery }).strict();
export type UserListQuery = z.output<typeof userListQuery>;

/** Query of the participant directory. */
export const directoryQuery = z.object({ role: z.enum(USER_ROLES).optional(), limit: limitQuery }).strict();
export type DirectoryQuery = z.output<typeof directoryQuery>;

/** What schedulers see of a colleague when picking participants: no username, no state. */
export interface DirectoryEntry {
  readonly id: string;
  readonly displayName: string;
  readonly role: (typeof USER_ROLES)[number];
}

/** A user as the API returns it (no hash). */
export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly role: (typeof USER_ROLES)[number];
  readonly displayName: string;
  readonly active: boolean;
  /** True while the account holds a generated one-time password: it must choose its own first. */
  readonly mustChangePassword: boolean;
}
