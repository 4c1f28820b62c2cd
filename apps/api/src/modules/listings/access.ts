import type { Context } from '../../context.js';
import { coded, notFound } from '../../graphql/errors.js';
import { parseId } from '../directory/clinic.js';

/**
 * The clinic a member acts on, by its ID. Anyone who is not a member gets NOT_FOUND, exactly as for an ID
 * that does not exist, so that probing IDs tells nothing. Staff asking for an admin's action are told so.
 */
export function clinicFor(ctx: Context, rawId: string, need: 'member' | 'admin', action: string): string {
  const id = parseId(rawId, 'Clinic');
  const role = id ? ctx.viewer?.memberships.get(id) : undefined;
  if (!id || !role) throw notFound('clinic');
  if (need === 'admin' && role !== 'admin')
    throw coded('FORBIDDEN', `Only the clinic’s admins can ${action}.`);
  return id;
}
