import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { profileSchema } from './schema.js';

/** Where the published schema lives, relative to the repository root. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../profiles/profile.schema.json', import.meta.url));

/**
 * The JSON Schema of what people write (input side: "90s" strings, defaults optional), for editor
 * completion and checking. Generated, never edited by hand; a test keeps the committed file in step.
 */
export function profileJsonSchema(): string {
  const schema = z.toJSONSchema(profileSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(SCHEMA_FILE, profileJsonSchema());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
