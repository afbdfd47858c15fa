import { z } from 'zod';
import { choice, email, optionalLine, requiredLine } from '../../web/schema-helpers.js';

export const MEMBERSHIP_ROLES = ['network_person', 'council_admin'] as const;

const role = choice(MEMBERSHIP_ROLES, 'members.errors.role_invalid');
const title = optionalLine(60, 'members.errors.title_too_long');

/** POST /councils/:id/members — invite a person by email (docs/domain.md#routes-and-form-fields). */
export const inviteSchema = z.object({
  name: requiredLine('members.errors.name_required', 100, 'members.errors.name_too_long'),
  email: email('members.errors.email_required', 'members.errors.email_invalid'),
  title,
  role,
});

/** POST /councils/:id/members/:membershipId/edit — what a council admin may change on a membership. */
export const editSchema = z.object({ title, role });

export type InviteInput = z.output<typeof inviteSchema>;
export type EditInput = z.output<typeof editSchema>;
