// kube-apiserver reads --token-auth-file with Go's encoding/csv Reader,
// changing only FieldsPerRecord = -1 (staging/src/k8s.io/apiserver/pkg/
// authentication/token/tokenfile/tokenfile.go NewCSV): no Comment
// character, no TrimLeadingSpace, no LazyQuotes. The expected records and
// error texts below are what Go 1.19's encoding/csv printed for the same
// inputs (csv.NewReader, FieldsPerRecord = -1, Read until io.EOF).
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseTokenFile, readCsv } from "./tokenFile.ts";

const GO_CSV: [string, string[][] | string][] = [
  ['t1,alice,u1,"dev,ops"\n\nt2,bob,u2\n', [["t1", "alice", "u1", "dev,ops"], ["t2", "bob", "u2"]]],
  ["# comment\n", [["# comment"]]],
  ["# a,b,c\n", [["# a", "b", "c"]]],
  ["t3, carol ,u3, admins\n", [["t3", " carol ", "u3", " admins"]]],
  ['t4,dan,u4,"a, b"\n', [["t4", "dan", "u4", "a, b"]]],
  ['t5,erin,u5, "x"\n', 'parse error on line 1, column 13: bare " in non-quoted-field'],
  ['t6,fay,u6,"multi\nline"\n', [["t6", "fay", "u6", "multi\nline"]]],
  ['t7,gus,u7,"bad"x\n', 'parse error on line 1, column 15: extraneous or missing " in quoted-field'],
  ['t8,hal,u8,"open\n', 'parse error on line 1, column 17: extraneous or missing " in quoted-field'],
  ["t9,ida,u9,\n", [["t9", "ida", "u9", ""]]],
  ['t10,jo,u10,a"b\n', 'parse error on line 1, column 13: bare " in non-quoted-field'],
  [",nobody,u0\nt11,kim,u11\n", [["", "nobody", "u0"], ["t11", "kim", "u11"]]],
  ["t12,lee,u12\r\nt13,max,u13\r\n", [["t12", "lee", "u12"], ["t13", "max", "u13"]]],
  ['t14,ned,u14,"say ""hi"""\n', [["t14", "ned", "u14", 'say "hi"']]],
  ["  \n", [["  "]]],
  ["t15,oz,u15", [["t15", "oz", "u15"]]],
  ['é,ü,"x"y\n', 'parse error on line 1, column 9: extraneous or missing " in quoted-field'],
  ['t16,"multi\nline"x,u\n', 'record on line 1; parse error on line 2, column 5: extraneous or missing " in quoted-field'],
  ['t17,pat,u17,"g"\r\n', [["t17", "pat", "u17", "g"]]],
];

test("records and errors are Go encoding/csv's: no comments, no trimming, quoted fields across lines", () => {
  for (const [input, want] of GO_CSV) {
    if (typeof want === "string") assert.throws(() => readCsv(input), { message: want }, JSON.stringify(input));
    else assert.deepEqual(readCsv(input), want, JSON.stringify(input));
  }
});

test("a token file maps tokens to users; the 4th column splits on every comma, untrimmed", () => {
  const m = parseTokenFile('t1,alice,u1,"dev,ops"\n\nt2,bob,u2\nt3, carol ,u3,"admins, ops"\nt4,dan,u4,\n');
  assert.deepEqual(m.get("t1"), { name: "alice", uid: "u1", groups: ["dev", "ops"] });
  // Fewer than 4 columns: no groups (Groups stays nil).
  assert.deepEqual(m.get("t2"), { name: "bob", uid: "u2", groups: [] });
  // strings.Split(record[3], ","): spaces stay; an empty 4th column is one empty group.
  assert.deepEqual(m.get("t3"), { name: " carol ", uid: "u3", groups: ["admins", " ops"] });
  assert.deepEqual(m.get("t4"), { name: "dan", uid: "u4", groups: [""] });
});

test("a `#` line is a record, not a comment: with fewer than three columns the file is refused", () => {
  assert.throws(
    () => parseTokenFile("# tokens for the team\nt1,alice,u1\n", "tokens.csv"),
    { message: "token file 'tokens.csv' must have at least 3 columns (token, user name, user uid), found 1" },
  );
  // With three columns it is a token named "# a".
  assert.deepEqual(parseTokenFile("# a,b,c\n").get("# a"), { name: "b", uid: "c", groups: [] });
});

test("an empty token is skipped, a duplicate token takes the later record, and a bare quote refuses the file", () => {
  const m = parseTokenFile(",nobody,u0\nt1,first,u1\nt1,second,u2\n");
  assert.equal(m.size, 1);
  assert.deepEqual(m.get("t1"), { name: "second", uid: "u2", groups: [] });
  assert.throws(() => parseTokenFile('t1,alice,u1, "dev"\n'), { message: 'parse error on line 1, column 14: bare " in non-quoted-field' });
});
