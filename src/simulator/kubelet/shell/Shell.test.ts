// The simulated shell on its own: command lists, quoting and expansion,
// busybox's messages and statuses, and the environment kubelet builds.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containerEnvironment, expand, fieldRefValue, resourceFieldValue, serviceEnv, type SourceCache } from "./environment.ts";
import { Filesystem } from "./filesystem.ts";
import { parse } from "./parse.ts";
import { ExitSignal, isBinary, Shell } from "./Shell.ts";

function shell(env: [string, string][] = [["HOME", "/root"]]) {
  const fs = new Filesystem();
  fs.put("/etc/hostname", { file: "web\n" });
  fs.put("/config/greeting", { file: "hello" });
  fs.put("/tmp", { dir: new Map() });
  let out = "";
  let err = "";
  const sh = new Shell(
    { env: new Map(env), vars: new Map(), cwd: "/", fs, hostname: "web", status: 0 },
    { out: (s) => (out += s), err: (s) => (err += s) },
    new AbortController().signal,
  );
  return { sh, read: () => ({ out, err }) };
}

describe("simulated shell", () => {
  it("runs lists with ; && || and quotes, expanding $VAR, ${VAR} and $?", async () => {
    const { sh, read } = shell([["NAME", "kpanda"]]);
    await sh.runLine(`echo "hi $NAME" '$NAME' \${NAME}x; false || echo or; true && echo and; false; echo $?  # comment`);
    assert.equal(read().out, "hi kpanda $NAME kpandax\nor\nand\n1\n");
  });

  it("an unknown command is busybox's `sh: X: not found` with status 127", async () => {
    const { sh, read } = shell();
    assert.equal(await sh.runLine("nope arg"), 127);
    assert.equal(read().err, "sh: nope: not found\n");
  });

  it("cat and ls read the synthetic filesystem with busybox's errors", async () => {
    const { sh, read } = shell();
    await sh.runLine("cat /config/greeting; echo; ls /config; cd /etc && pwd && ls; cat missing; ls /nope");
    assert.equal(read().out, "hello\ngreeting\n/etc\nhostname\n");
    assert.equal(read().err, "cat: can't open 'missing': No such file or directory\nls: /nope: No such file or directory\n");
    assert.equal(sh.state.status, 1);
  });

  it("cat without files copies standard input, when the session has one", async () => {
    const { sh, read } = shell();
    sh.stdin = async () => "piped in\n";
    await sh.runLine("cat; cat - /etc/hostname");
    assert.equal(read().out, "piped in\npiped in\nweb\n");
  });

  it("exit N ends the shell with N; sh -c returns its status", async () => {
    const { sh } = shell();
    await assert.rejects(sh.runLine("exit 3"), (e) => e instanceof ExitSignal && e.code === 3);
    assert.equal(await sh.runLine("sh -c 'exit 4'"), 4);
  });

  it("output redirections: >&2, 2>&1, /dev/null; other files are a read-only filesystem", async () => {
    const { sh, read } = shell();
    await sh.runLine("echo to-err >&2; nope 2>&1; echo gone >/dev/null; nope 2> /dev/null; echo x > /tmp/f");
    assert.equal(read().out, "sh: nope: not found\n");
    assert.equal(read().err, "to-err\nsh: can't create /tmp/f: Read-only file system\n");
    assert.equal(sh.state.status, 1);
  });

  it("pipes and input redirection are a syntax error that says so (status 2)", async () => {
    const { sh, read } = shell();
    assert.equal(await sh.runLine("env | grep X"), 2);
    assert.match(read().err, /^sh: syntax error: "\|" is not supported/);
    assert.throws(() => parse("echo 'open"), /unterminated quoted string/);
  });

  it("the image's programs are the builtins but not exit, cd or export", () => {
    assert.ok(isBinary("env") && isBinary("/bin/sh") && isBinary("/usr/bin/env"));
    assert.ok(!isBinary("exit") && !isBinary("bash"));
  });
});

describe("container environment (kubelet's makeEnvironmentVariables)", () => {
  const pod = {
    metadata: { name: "web-1", namespace: "shop", uid: "u1", labels: { b: "2", a: "1" } },
    spec: { nodeName: "node-0", containers: [{ name: "app", resources: { limits: { memory: "64Mi" }, requests: { cpu: "250m" } } }] },
    status: { podIP: "10.128.0.5", hostIP: "10.0.0.1" },
  };

  it("$(VAR) expands from earlier variables; $$ escapes; unknown references stay", () => {
    const look = (n: string) => ({ A: "x" })[n];
    assert.equal(expand("$(A)-$(B)-$$(A)", look), "x-$(B)-$(A)");
  });

  it("downward API fields and resources, labels as sorted k=\"v\" lines", () => {
    assert.equal(fieldRefValue(pod, "status.podIP"), "10.128.0.5");
    assert.equal(fieldRefValue(pod, "metadata.labels"), 'a="1"\nb="2"');
    assert.equal(fieldRefValue(pod, "metadata.labels['b']"), "2");
    // ExtractContainerResourceValue rounds up: 250m cpu with divisor 1 is 1; limits.cpu unset is the node's allocatable.
    assert.equal(resourceFieldValue(pod, { containerName: "app", resource: "requests.cpu" }, {}), "1");
    assert.equal(resourceFieldValue(pod, { containerName: "app", resource: "limits.memory", divisor: "1Mi" }, {}), "64");
    assert.equal(resourceFieldValue(pod, { containerName: "app", resource: "limits.cpu" }, { cpu: "7900m" }), "8");
  });

  it("service variables follow pkg/kubelet/envvars, headless services have none", () => {
    const env = serviceEnv([
      { metadata: { name: "my-db" }, spec: { clusterIP: "10.96.0.9", ports: [{ name: "pg", port: 5432 }] } },
      { metadata: { name: "headless" }, spec: { clusterIP: "None", ports: [{ port: 80 }] } },
    ]);
    assert.deepEqual(env, [
      ["MY_DB_SERVICE_HOST", "10.96.0.9"],
      ["MY_DB_SERVICE_PORT", "5432"],
      ["MY_DB_SERVICE_PORT_PG", "5432"],
      ["MY_DB_PORT", "tcp://10.96.0.9:5432"],
      ["MY_DB_PORT_5432_TCP", "tcp://10.96.0.9:5432"],
      ["MY_DB_PORT_5432_TCP_PROTO", "tcp"],
      ["MY_DB_PORT_5432_TCP_PORT", "5432"],
      ["MY_DB_PORT_5432_TCP_ADDR", "10.96.0.9"],
    ]);
  });

  it("envFrom with prefix, then env overriding it; invalid names skipped; PATH, HOSTNAME first and HOME last", async () => {
    const sources = { get: async (kind: string) => (kind === "configMap" ? { color: "blue", "bad key": "x", MODE: "a" } : { token: "s3cret" }) } as unknown as SourceCache;
    const container = {
      name: "app",
      envFrom: [{ configMapRef: { name: "cm" }, prefix: "CFG_" }],
      env: [
        { name: "CFG_color", value: "red-$(CFG_MODE)" },
        { name: "TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "token" } } },
        { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
      ],
    };
    const env = await containerEnvironment({ pod, container, sources, services: [], allocatable: {} });
    assert.deepEqual(env, [
      ["PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
      ["HOSTNAME", "web-1"],
      ["CFG_MODE", "a"],
      ["CFG_color", "red-a"],
      ["TOKEN", "s3cret"],
      ["NODE", "node-0"],
      ["HOME", "/root"],
    ]);
  });
});
