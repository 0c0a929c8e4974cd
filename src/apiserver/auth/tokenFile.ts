// kube-apiserver's --token-auth-file, read as kube reads it
// (staging/src/k8s.io/apiserver/pkg/authentication/token/tokenfile/
// tokenfile.go NewCSV): Go's encoding/csv Reader with only
// FieldsPerRecord = -1 changed, so
//  - no comment character: a `#` line is a record like any other;
//  - no TrimLeadingSpace: spaces belong to the field; a quote after a space
//    is a bare quote, an error;
//  - blank lines are skipped, `\r\n` is read as `\n`, and a quoted field may
//    span lines;
// then each record needs at least 3 columns (token, user name, uid), a record
// with an empty token is skipped, a later duplicate wins, and the 4th column
// is split on every comma, untrimmed, into the groups.
import { readFile } from "node:fs/promises";
import type { UserInfo } from "../registry/context.ts";

const ERR_BARE_QUOTE = 'bare " in non-quoted-field';
const ERR_QUOTE = 'extraneous or missing " in quoted-field';

/** A csv.ParseError, worded as Go's Error() (line and 1-based byte column). */
function parseError(startLine: number, line: number, column: number, err: string): Error {
  if (startLine !== line) return new Error(`record on line ${startLine}; parse error on line ${line}, column ${column}: ${err}`);
  return new Error(`parse error on line ${line}, column ${column}: ${err}`);
}

const bytes = (s: string) => Buffer.byteLength(s);

/** Physical lines, each with its "\n" (the last may lack one), "\r\n" read as "\n" (csv.Reader.readLine). */
function physicalLines(text: string): string[] {
  return text.split(/(?<=\n)/).map((l) => (l.endsWith("\r\n") ? `${l.slice(0, -2)}\n` : l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** Reads every record of `text` as Go's csv.Reader with its defaults does. */
export function readCsv(text: string): string[][] {
  const lines = physicalLines(text);
  const records: string[][] = [];
  let n = 0;
  while (n < lines.length) {
    const startLine = n + 1;
    let line = lines[n++];
    if (line === "\n" || line === "") continue;
    // The reading position: the current physical line and 1-based byte column.
    let lineNo = startLine;
    let col = 1;
    const record: string[] = [];
    for (let more = true; more; ) {
      if (!line.startsWith('"')) {
        const comma = line.indexOf(",");
        const field = comma >= 0 ? line.slice(0, comma) : line.replace(/\n$/, "");
        const quote = field.indexOf('"');
        if (quote >= 0) throw parseError(startLine, lineNo, col + bytes(field.slice(0, quote)), ERR_BARE_QUOTE);
        record.push(field);
        more = comma >= 0;
        col += bytes(line.slice(0, comma + 1));
        line = line.slice(comma + 1);
        continue;
      }
      let field = "";
      line = line.slice(1);
      col += 1;
      for (;;) {
        const q = line.indexOf('"');
        if (q >= 0) {
          field += line.slice(0, q);
          col += bytes(line.slice(0, q)) + 1;
          line = line.slice(q + 1);
          if (line.startsWith('"')) {
            field += '"';
            line = line.slice(1);
            col += 1;
            continue;
          }
          if (line.startsWith(",")) {
            line = line.slice(1);
            col += 1;
          } else if (line === "\n" || line === "") {
            more = false;
          } else {
            throw parseError(startLine, lineNo, col - 1, ERR_QUOTE);
          }
          break;
        }
        if (line === "") throw parseError(startLine, lineNo, col, ERR_QUOTE);
        // The field goes on past the end of this line.
        field += line;
        col += bytes(line);
        line = n < lines.length ? lines[n++] : "";
        if (line !== "") {
          lineNo = n;
          col = 1;
        }
      }
      record.push(field);
    }
    records.push(record);
  }
  return records;
}

/** Parses the file's text into token → user, as kube-apiserver does; throws what it would refuse to start with. */
export function parseTokenFile(text: string, path = "token file"): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  for (const rec of readCsv(text)) {
    if (rec.length < 3) throw new Error(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${rec.length}`);
    const [token, name, uid] = rec;
    if (token === "") continue;
    tokens.set(token, { name, uid, groups: rec.length >= 4 ? rec[3].split(",") : [] });
  }
  return tokens;
}

export async function loadTokenFile(path: string): Promise<Map<string, UserInfo>> {
  return parseTokenFile(await readFile(path, "utf8"), path);
}
