// kpanda serves HTTPS: `kpanda serve` makes a CA and a serving certificate
// in DIR/pki on first start and reuses them, or serves the user's
// certificate; the kubeconfig GET /clusters/{c}/kubeconfig answers carries
// kpanda's CA, so kubectl verifies kpanda and sends its token (client-go
// sends a bearer token only over TLS) with no insecure flag.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { connect, type PeerCertificate } from "node:tls";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { createAuthority, issueServingCert } from "../../src/apiserver/tls/pki.ts";
import { ConfigError, parseServeArgs } from "../../src/platform/config.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { runKubectl } from "../harness.ts";
import { startTestPlatform, type TestPlatform } from "./fixture.ts";
import { integrate } from "./members.ts";

const KPANDA = resolve(dirname(fileURLToPath(import.meta.url)), "../../bin/kpanda");

type Serve = { url: string; proc: ChildProcess; stop(): Promise<void> };

/** `kpanda serve` on a free loopback port; answers once it prints its URL. */
function serve(dataDir: string, args: string[] = []): Promise<Serve> {
  const proc = spawn(process.execPath, [KPANDA, "serve", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", "warn", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  proc.stderr!.on("data", (c) => {
    stderr += c;
  });
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve not ready in 60 s\n${stderr}`)), 60_000);
    proc.once("exit", (code) => fail(new Error(`serve exited (${code}) before serving\n${stderr}`)));
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      const m = /^kpanda is serving on (\S+)$/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      ok({
        url: m[1],
        proc,
        stop: async () => {
          proc.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}

/** The certificate a TLS server presents, verified against `ca` for `servername` (an IP address is checked against the IP SANs). */
function peerCertificate(url: string, ca: string, servername?: string): Promise<PeerCertificate> {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    const socket = connect({ host: hostname, port: Number(port), ca, servername }, () => {
      ok(socket.getPeerCertificate());
      socket.end();
    });
    socket.once("error", fail);
  });
}

/** The exit code and standard error of a `kpanda serve` that stops at its flags. */
function serveFails(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(process.execPath, [KPANDA, "serve", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr!.on("data", (c) => {
    stderr += c;
  });
  return new Promise((ok) => proc.once("exit", (code) => ok({ code, stderr })));
}

describe("kpanda serve over HTTPS", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "kpanda-serve-tls-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("serves a certificate for 127.0.0.1 and localhost that chains to DIR/pki's CA, and a restart reuses both", async () => {
    const dataDir = join(dir, "generated");
    const first = await serve(dataDir);
    let fingerprint: string;
    let ca: string;
    try {
      assert.match(first.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      ca = await readFile(join(dataDir, "pki", "ca.crt"), "utf8");
      // Verified by Node's TLS client (the CA alone is trusted) for the IP and for the name.
      const byIP = await peerCertificate(first.url, ca);
      const byName = await peerCertificate(first.url, ca, "localhost");
      assert.equal(byName.fingerprint256, byIP.fingerprint256);
      const cert = new X509Certificate(byIP.raw);
      const caCert = new X509Certificate(ca);
      assert.ok(cert.checkIssued(caCert) && cert.verify(caCert.publicKey), "signed by DIR/pki/ca.crt");
      for (const ip of ["127.0.0.1", "::1"]) assert.equal(cert.checkIP(ip), ip);
      assert.equal(cert.checkHost("localhost"), "localhost");
      assert.equal(caCert.ca, true);
      fingerprint = byIP.fingerprint256;
    } finally {
      await first.stop();
    }
    const again = await serve(dataDir);
    try {
      assert.equal(await readFile(join(dataDir, "pki", "ca.crt"), "utf8"), ca);
      assert.equal((await peerCertificate(again.url, ca)).fingerprint256, fingerprint);
    } finally {
      await again.stop();
    }
    // Another name: a new serving certificate, from the same CA, so kubeconfigs already downloaded stay good.
    const named = await serve(dataDir, ["--tls-san", "kpanda.example.test"]);
    try {
      const cert = await peerCertificate(named.url, ca, "kpanda.example.test");
      assert.notEqual(cert.fingerprint256, fingerprint);
      assert.equal(await readFile(join(dataDir, "pki", "ca.crt"), "utf8"), ca);
    } finally {
      await named.stop();
    }
  });

  it("serves the certificate given with --tls-cert-file and --tls-private-key-file", async () => {
    const theirs = await createAuthority("their-ca");
    const cert = await issueServingCert(theirs, "kpanda.example.test", ["127.0.0.1"]);
    await writeFile(join(dir, "tls.crt"), cert.cert);
    await writeFile(join(dir, "tls.key"), cert.key, { mode: 0o600 });
    const s = await serve(join(dir, "theirs"), ["--tls-cert-file", join(dir, "tls.crt"), "--tls-private-key-file", join(dir, "tls.key")]);
    try {
      const served = await peerCertificate(s.url, theirs.cert);
      assert.equal(served.fingerprint256, new X509Certificate(cert.cert).fingerprint256);
    } finally {
      await s.stop();
    }
  });

  it("refuses a missing certificate file with one line and exit code 2", async () => {
    const missing = join(dir, "nope.crt");
    const r = await serveFails(["--data-dir", join(dir, "refused"), "--tls-cert-file", missing, "--tls-private-key-file", missing]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `kpanda serve: --tls-cert-file: no such file: ${missing}\n`);
  });

  it("checks the TLS flags once at start: pairs, PEM contents, the key's match and the names", async () => {
    const ca = await createAuthority("flags-ca");
    const one = await issueServingCert(ca, "one", ["127.0.0.1"]);
    const two = await issueServingCert(ca, "two", ["127.0.0.1"]);
    const files = { cert: join(dir, "one.crt"), key: join(dir, "one.key"), other: join(dir, "two.key") };
    await writeFile(files.cert, one.cert);
    await writeFile(files.key, one.key);
    await writeFile(files.other, two.key);
    const refused = (args: string[]) => {
      try {
        parseServeArgs(args);
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        assert.doesNotMatch(e.message, /\n/);
        return e.message;
      }
      assert.fail(`accepted ${args.join(" ")}`);
    };
    assert.equal(refused(["--tls-cert-file", files.cert]), "--tls-cert-file and --tls-private-key-file go together");
    assert.equal(refused(["--tls-cert-file", files.key, "--tls-private-key-file", files.key]), `--tls-cert-file: ${files.key} does not hold a PEM certificate`);
    assert.equal(refused(["--tls-cert-file", files.cert, "--tls-private-key-file", files.cert]), `--tls-private-key-file: ${files.cert} does not hold a PEM private key`);
    assert.equal(refused(["--tls-cert-file", files.cert, "--tls-private-key-file", files.other]), `--tls-private-key-file: ${files.other} is not the key of the certificate in ${files.cert}`);
    assert.match(refused(["--tls-san", "Not_A_Name"]), /^--tls-san: "Not_A_Name" is neither a DNS name nor an IP address$/);
    assert.match(refused(["--tls-san", "kpanda.test", "--tls-cert-file", files.cert, "--tls-private-key-file", files.key]), /^--tls-san names the certificate kpanda generates/);
    const ok = parseServeArgs(["--tls-san", "kpanda.test,10.0.0.1", "--tls-san", "fd00::1"]);
    assert.ok(ok !== "help");
    assert.deepEqual(ok.tlsSans, ["kpanda.test", "10.0.0.1", "fd00::1"]);
  });
});

describe("kubectl through kpanda's HTTPS", () => {
  let t: TestPlatform;
  let sim: Simulator;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "kpanda-tls-kubectl-"));
    t = await startTestPlatform();
    sim = await startSimulator({ names: ["dev"], nodes: 1, dataDir: dir });
    await integrate(t, sim.cluster("dev"));
  });
  after(async () => {
    await sim?.stop();
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists pods through the proxy with the downloaded kubeconfig alone: kpanda's CA is in it, no insecure flag", async () => {
    const direct = (args: string[]) => runKubectl(["--kubeconfig", sim.cluster("dev").kubeconfigPath!, "--cache-dir", join(dir, "cache"), ...args]);
    await direct(["run", "web", "--image=nginx:1.27"]);
    // The member's RBAC decides for kpanda:admin (kpanda's own bindings are its controller's business, tested elsewhere).
    await direct(["create", "clusterrolebinding", "test-kpanda-admin", "--clusterrole=view", "--user=kpanda:admin"]);
    const r = await t.call("GET", "/clusters/dev/kubeconfig", undefined, await t.adminToken());
    assert.equal(r.status, 200);
    const doc = parse(r.body);
    const cluster = doc.clusters[0].cluster;
    assert.equal(cluster.server, `${t.platform.url}/k8s/clusters/dev`);
    assert.match(cluster.server, /^https:/);
    assert.equal(Buffer.from(cluster["certificate-authority-data"], "base64").toString(), await readFile(join(t.dataDir, "pki", "ca.crt"), "utf8"));
    assert.equal(cluster["insecure-skip-tls-verify"], undefined);
    const path = join(dir, "admin.kubeconfig");
    await writeFile(path, r.body, { mode: 0o600 });
    const pods = await runKubectl(["--kubeconfig", path, "--cache-dir", join(dir, "cache-admin"), "get", "pods", "-o", "name"]);
    assert.equal(pods.stdout, "pod/web\n");
  });

  it("a platform started with tls: false serves plain HTTP", async () => {
    const plain = await startTestPlatform({ tls: false });
    try {
      assert.match(plain.platform.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(plain.platform.caCert, undefined);
      assert.equal((await plain.call("GET", "/me", undefined, await plain.adminToken())).status, 200);
    } finally {
      await plain.close();
    }
  });
});
