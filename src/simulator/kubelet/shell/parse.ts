// The simulated shell's grammar: a list of simple commands joined by `;`,
// `&&` and `||`, with words in single quotes (literal), double quotes
// (variables expand, backslash escapes " \ $) or bare (backslash escapes any
// character), `$NAME`, `${NAME}` and `$?` expansions, and `#` comments.
// Variables expand to one word each (no field splitting). Output
// redirections `>FILE`, `2>FILE`, `>&2`, `2>&1` are parsed (the shell
// writes only to /dev/null: the filesystem is read-only). Pipes, input
// redirection, globs and subshells are not part of it: they are a syntax
// error that says so.

export type Part = { lit: string } | { var: string };
export type Word = Part[];
/** fd 1 or 2 to the other fd ("&1", "&2") or to a file. */
export type Redirect = { fd: 1 | 2; to: Word | "&1" | "&2" };
export type Command = { words: Word[]; op: ";" | "&&" | "||"; redirects: Redirect[] };

export class ShellSyntaxError extends Error {}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Parses one command line into its commands; `op` is how each joins the one before. */
export function parse(line: string): Command[] {
  const out: Command[] = [];
  let words: Word[] = [];
  let redirects: Redirect[] = [];
  let pending: Redirect | undefined;
  let word: Word | undefined;
  let op: Command["op"] = ";";
  const lit = (s: string) => {
    word ??= [];
    const last = word[word.length - 1];
    if (last && "lit" in last) last.lit += s;
    else word.push({ lit: s });
  };
  const endWord = () => {
    if (word && pending) {
      pending.to = word;
      redirects.push(pending);
      pending = undefined;
    } else if (word) words.push(word);
    word = undefined;
  };
  const endCommand = (next: Command["op"]) => {
    endWord();
    if (pending) throw new ShellSyntaxError(`syntax error: unexpected "${next}"`);
    if (!words.length) {
      if (next !== ";" || op !== ";") throw new ShellSyntaxError(`syntax error: unexpected "${next}"`);
    } else out.push({ words, op, redirects });
    words = [];
    redirects = [];
    op = next;
  };
  let i = 0;
  const variable = (): boolean => {
    if (line[i] !== "$") return false;
    const c = line[i + 1];
    if (c === "?" || c === "$" || c === "#" || (c !== undefined && /[0-9]/.test(c))) {
      word ??= [];
      word.push({ var: c });
      i += 2;
      return true;
    }
    if (c === "{") {
      const end = line.indexOf("}", i);
      if (end < 0) throw new ShellSyntaxError("syntax error: bad substitution");
      word ??= [];
      word.push({ var: line.slice(i + 2, end) });
      i = end + 1;
      return true;
    }
    NAME.lastIndex = i + 1;
    const m = NAME.exec(line);
    if (!m) return false;
    word ??= [];
    word.push({ var: m[0] });
    i += 1 + m[0].length;
    return true;
  };
  while (i < line.length) {
    const c = line[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      endWord();
      i++;
    } else if (c === "#" && !word) {
      break;
    } else if (c === ";") {
      endCommand(";");
      i++;
    } else if (line.startsWith("&&", i) || line.startsWith("||", i)) {
      endCommand(line.slice(i, i + 2) as "&&" | "||");
      i += 2;
    } else if (c === ">" || (c >= "1" && c <= "2" && line[i + 1] === ">" && !word)) {
      endWord();
      const fd = c === ">" ? 1 : (Number(c) as 1 | 2);
      i += c === ">" ? 1 : 2;
      if (line[i] === "&" && (line[i + 1] === "1" || line[i + 1] === "2")) {
        redirects.push({ fd, to: line[i + 1] === "1" ? "&1" : "&2" });
        i += 2;
      } else {
        while (line[i] === " ") i++;
        pending = { fd, to: [] };
      }
    } else if ("|&<>()`".includes(c)) {
      throw new ShellSyntaxError(`syntax error: "${c}" is not supported by this simulated shell`);
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("syntax error: unterminated quoted string");
      lit(line.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      i++;
      lit("");
      for (;;) {
        if (i >= line.length) throw new ShellSyntaxError("syntax error: unterminated quoted string");
        const d = line[i];
        if (d === '"') break;
        if (d === "\\" && '"\\$`'.includes(line[i + 1] ?? "")) {
          lit(line[i + 1]);
          i += 2;
        } else if (!variable()) {
          lit(d);
          i++;
        }
      }
      i++;
    } else if (c === "\\") {
      if (i + 1 < line.length) lit(line[i + 1]);
      i += 2;
    } else if (!variable()) {
      lit(c);
      i++;
    }
  }
  endWord();
  if (pending) throw new ShellSyntaxError("syntax error: unexpected newline");
  if (words.length) out.push({ words, op, redirects });
  else if (op !== ";") throw new ShellSyntaxError("syntax error: unexpected end of file");
  return out;
}
