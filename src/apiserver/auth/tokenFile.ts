// kube-apiserver's --token-auth-file: CSV lines `token,user,uid[,"group1,group2"]`
// (staging/src/k8s.io/apiserver/pkg/authentication/token/tokenfile).
import { readFile } from "node:fs/promises";
import type { UserInfo } from "../registry/context.ts";

/** Splits one CSV record (RFC 4180 quoting; leading spaces trimmed, as Go's csv.Reader with TrimLeadingSpace). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === " " || line[i] === "\t") i++;
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`extraneous or missing " in quoted-field`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ",") throw new Error(`extraneous or missing " in quoted-field`);
    } else {
      const end = line.indexOf(",", i);
      field = end < 0 ? line.slice(i) : line.slice(i, end);
      i = end < 0 ? line.length : end;
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // the comma
  }
}

/** Parses the file's text into token → user. Throws on a record with fewer than three columns. */
export function parseTokenFile(text: string, path = "token file"): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, n) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    let rec: string[];
    try {
      rec = parseCsvLine(line);
    } catch (e) {
      throw new Error(`${path}:${n + 1}: ${(e as Error).message}`);
    }
    if (rec.length < 3) throw new Error(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${rec.length}`);
    const [token, name, uid] = rec;
    if (!token) return;
    const groups = rec.length >= 4 && rec[3] !== "" ? rec[3].split(",").map((g) => g.trim()).filter((g) => g !== "") : [];
    tokens.set(token, { name, uid, groups });
  });
  return tokens;
}

export async function loadTokenFile(path: string): Promise<Map<string, UserInfo>> {
  return parseTokenFile(await readFile(path, "utf8"), path);
}
