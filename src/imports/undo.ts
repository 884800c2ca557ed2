import type { Actor } from '../accounts/actor.ts';
import {
  campaignRecipientsOfImport,
  deleteImportedMemberships,
  deleteUntouchedImportedContacts,
  findImport,
  lockCompletedImport,
  markImportUndone,
  restoreUpdatedContacts,
  unlistKeptImportedContacts,
  type KeptContacts,
} from '../db/imports.ts';
import type { DatabasePool } from '../db/pool.ts';
import { UserError } from '../errors.ts';

export type UndoReport = { removedContacts: number; keptContacts: KeptContacts; removedMemberships: number; restoredContacts: number };

/**
 * Reverts a completed import, in one transaction: contacts it created are deleted (with
 * their memberships) unless they unsubscribed, bounced or complained, were put on another
 * list or edited since — those are only taken off the import's list, so a suppression is
 * never forgotten; memberships it gave existing contacts are removed, contacts it updated
 * restored. Refused once any campaign includes a contact it created.
 */
export async function undoImport(db: DatabasePool, actor: Actor, importId: bigint): Promise<UndoReport> {
  return db.transaction(async (tx) => {
    const record = await lockCompletedImport(tx, actor.userId, importId);
    if (!record) {
      const existing = await findImport(tx, actor.userId, importId);
      if (!existing) throw new UserError(`There is no import ${importId} in this workspace.`);
      throw new UserError(`Import ${importId} is ${existing.status}; only a completed import can be undone.`);
    }
    const reached = await campaignRecipientsOfImport(tx, actor.userId, importId);
    if (reached > 0) {
      throw new UserError(`Import ${importId} can no longer be undone: campaigns already include ${reached} of the contacts it added.`);
    }
    const restoredContacts = await restoreUpdatedContacts(tx, actor.userId, importId);
    const removedMemberships = await deleteImportedMemberships(tx, actor.userId, importId);
    const removedContacts = await deleteUntouchedImportedContacts(tx, actor.userId, record);
    const keptContacts = await unlistKeptImportedContacts(tx, actor.userId, record);
    await markImportUndone(tx, actor.userId, importId);
    return { removedContacts, keptContacts, removedMemberships, restoredContacts };
  });
}
