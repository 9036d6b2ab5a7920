/** A stream entry as Redis answers it: the fields `null` when the entry was deleted meanwhile. */
export type RawEntry = [id: string, fields: string[] | null];

/**
 * The entries of a one-stream `XREADGROUP` reply (`null` when the BLOCK timed out): RESP2 answers
 * `[[stream, entries]]`, RESP3 (ioredis 6) a map, flattened by ioredis to `[stream, entries]`.
 */
export function entriesOf(reply: unknown): RawEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const entries = typeof reply[0] === 'string' ? reply[1] : (reply[0] as [string, RawEntry[]])[1];
  return (entries as RawEntry[] | undefined) ?? [];
}

/** An entry's flat `[field, value, …]` list as an object. */
export function fieldsOf(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

/** What `writeRedisStream` writes by default: the value as JSON in the field `value`. */
export function defaultEncode(value: unknown): Record<string, string> {
  return { value: JSON.stringify(value) ?? 'null' };
}

/** The inverse of `defaultEncode`; an entry written otherwise comes as its fields. */
export function defaultDecode(fields: Record<string, string>): unknown {
  return fields.value !== undefined ? JSON.parse(fields.value) : fields;
}
