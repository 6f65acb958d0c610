/**
 * How deep a JSON text nests, found by one pass over its characters (no parsing, no recursion), so
 * that a hostile body cannot overflow the stack of the parser or the schema decoder.
 *
 * @since 0.1.0
 */

/**
 * Whether `text` opens more than `limit` objects or arrays inside each other (strings are skipped,
 * escapes included). Invalid JSON is not judged here: the parser refuses it later.
 *
 * @example
 * jsonDepthExceeds('{"a":[[1]]}', 2) // true (3 levels)
 * @since 0.1.0
 */
export const jsonDepthExceeds = (text: string, limit: number): boolean => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
};
