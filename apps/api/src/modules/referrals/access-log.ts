import type { Database } from '@kapmap/db/client';
import { referralAccessLog } from '@kapmap/db/schema';
import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

export interface AccessEntry {
  referralId: string;
  actorId: string;
  fields: string[];
}

/**
 * Writes the access log of protected reads. A read is answered only after its log row is written: if the
 * write fails, the resolver fails and the data is not sent. Reads made in the same tick (an inbox of fifty
 * referrals) are written as one insert, not fifty.
 */
export function accessRecorder(db: Pick<Database, 'insert'>) {
  let pending: { entry: AccessEntry; done: (error?: unknown) => void }[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    try {
      await db.insert(referralAccessLog).values(batch.map((b) => b.entry));
      for (const b of batch) b.done();
    } catch (error) {
      for (const b of batch) b.done(error);
    }
  };
  return {
    record(entry: AccessEntry): Promise<void> {
      if (pending.length === 0) setImmediate(() => void flush());
      return new Promise((resolve, reject) => {
        pending.push({ entry, done: (error) => (error ? reject(error) : resolve()) });
      });
    },
  };
}

export type AccessRecorder = ReturnType<typeof accessRecorder>;

/** The names of the fields a query selects under the current field (`name`, `dateOfBirth`, …), fragments included. */
export function selectedFields(info: GraphQLResolveInfo): string[] {
  const names = new Set<string>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === 'Field') {
        if (!s.name.value.startsWith('__')) names.add(s.name.value);
      } else if (s.kind === 'InlineFragment') walk(s.selectionSet);
      else {
        const fragment: FragmentDefinitionNode | undefined = info.fragments[s.name.value];
        walk(fragment?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes as readonly FieldNode[]) walk(node.selectionSet);
  return [...names].sort();
}
