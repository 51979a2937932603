/**
 * Line numbers for values of a JSON text. JSON.parse gives none, and provenance wants the line a
 * value sits on, so this walks the text once more and reports each primitive value with its
 * path (array indexes and object keys) and its 1-based line.
 *
 * Only called on text JSON.parse has accepted, so it does not validate anything. A raw line
 * break cannot occur inside a JSON string, so lines only advance in whitespace; minified JSON
 * therefore puts every value on line 1.
 */
export type JsonPath = readonly (string | number)[];

export function visitValueLines(text: string, visit: (path: JsonPath, line: number) => void): void {
  let pos = 0;
  let line = 1;
  const path: (string | number)[] = [];

  const skipWhitespace = () => {
    while (pos < text.length) {
      const code = text.charCodeAt(pos);
      if (code === 0x0a) line += 1;
      else if (code !== 0x20 && code !== 0x09 && code !== 0x0d) return;
      pos += 1;
    }
  };

  const readString = (): string => {
    const start = pos;
    pos += 1;
    while (pos < text.length) {
      const ch = text[pos];
      if (ch === '\\') pos += 2;
      else if (ch === '"') {
        pos += 1;
        break;
      } else pos += 1;
    }
    return JSON.parse(text.slice(start, pos)) as string;
  };

  const readValue = (): void => {
    skipWhitespace();
    const ch = text[pos];
    if (ch === '{') {
      pos += 1;
      skipWhitespace();
      if (text[pos] === '}') {
        pos += 1;
        return;
      }
      for (;;) {
        skipWhitespace();
        const key = readString();
        skipWhitespace();
        pos += 1; // ':'
        path.push(key);
        readValue();
        path.pop();
        skipWhitespace();
        const next = text[pos];
        pos += 1; // ',' or '}'
        if (next !== ',') return;
      }
    }
    if (ch === '[') {
      pos += 1;
      skipWhitespace();
      if (text[pos] === ']') {
        pos += 1;
        return;
      }
      for (let index = 0; ; index += 1) {
        path.push(index);
        readValue();
        path.pop();
        skipWhitespace();
        const next = text[pos];
        pos += 1; // ',' or ']'
        if (next !== ',') return;
      }
    }
    visit(path, line);
    if (ch === '"') {
      readString();
      return;
    }
    // number, true, false, null
    while (pos < text.length && !/[\s,\]}]/.test(text[pos]!)) pos += 1;
  };

  readValue();
}
