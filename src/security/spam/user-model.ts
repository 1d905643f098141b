import type { MailboxSession } from '../../store/mailbox/types.js';
import { parseMessage } from '../content/parse.js';
import { DEFAULT_LIMITS } from '../content/limits.js';
import { addDocument, emptyModel, parseModel, prune, type SpamModel } from './bayes.js';
import { tokenize } from './tokenize.js';

/**
 * Per-user learning. The user's model lives inside their encrypted mailbox (a mailbox setting),
 * so what they marked as spam is as private as their mail. The IMAP server calls
 * `learnFromMessage` when a message is moved into Junk (`spam`) or out of it (`ham`).
 */
export const USER_MODEL_SETTING = 'spam.user-model';
const MAX_TOKENS = 50_000;

export type UserLabel = 'ham' | 'spam';

/** Pure: returns the JSON of `userModelJson` (absent = empty) after learning `tokens` as `label`. */
export function learn(userModelJson: string | undefined, tokens: readonly string[], label: UserLabel): string {
  const model = userModelJson ? parseModel(userModelJson) : emptyModel();
  addDocument(model, tokens, label);
  return JSON.stringify(shrink(model));
}

/** Pure: undoes an earlier `learn` of the same tokens and label (a message moved back). */
export function unlearn(userModelJson: string | undefined, tokens: readonly string[], label: UserLabel): string {
  const model = userModelJson ? parseModel(userModelJson) : emptyModel();
  addDocument(model, tokens, label, -1);
  return JSON.stringify(model);
}

/**
 * Moving into Junk: learn spam (and forget a ham learning of the same message, if the user
 * corrects themselves). Moving out of Junk: the reverse.
 */
export async function learnFromMessage(session: MailboxSession, raw: Buffer, label: UserLabel): Promise<void> {
  const tokens = tokenize(await parseMessage(raw, DEFAULT_LIMITS));
  const current = await session.getSetting(USER_MODEL_SETTING);
  await session.setSetting(USER_MODEL_SETTING, learn(current, tokens, label));
}

export async function loadUserModel(session: MailboxSession): Promise<SpamModel | undefined> {
  const json = await session.getSetting(USER_MODEL_SETTING);
  if (!json) return undefined;
  try {
    return parseModel(json);
  } catch {
    return undefined; // a damaged personal model must never stop mail
  }
}

function shrink(model: SpamModel): SpamModel {
  let minDocs = 2;
  let current = model;
  while (Object.keys(current.tokens).length > MAX_TOKENS) current = prune(model, minDocs++);
  return current;
}
