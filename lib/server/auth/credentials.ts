import 'server-only';
import { z } from 'zod';
import type { CredentialFields } from './user-directory';

/**
 * The sign-in route's body as credential fields (strings only), from a form (urlencoded or
 * multipart, what the panel posts without JavaScript) or a JSON object. Null when it is neither.
 * The text was size-limited while read (request-body.ts), so parsing it costs little.
 */
const jsonFields = z.record(z.string(), z.unknown());

export async function readCredentials(contentType: string, text: string): Promise<CredentialFields | null> {
  try {
    let entries: [string, unknown][];
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      entries = [...new URLSearchParams(text)];
    } else if (contentType.startsWith('multipart/form-data')) {
      entries = [...(await new Response(text, { headers: { 'content-type': contentType } }).formData())];
    } else {
      const parsed = jsonFields.safeParse(JSON.parse(text));
      if (!parsed.success) return null;
      entries = Object.entries(parsed.data);
    }
    return Object.fromEntries(entries.filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return null;
  }
}
