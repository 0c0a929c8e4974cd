// A platform for tests: `startPlatform` on a free loopback port with a
// temporary data dir and an embedded host, plus a small JSON client. The
// platform serves HTTPS with the CA it generates in DIR/pki, as `kpanda
// serve` does; this process trusts that CA (as a machine that installed it
// would), so fetch() to `platform.url` verifies kpanda's certificate.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import pino from "pino";
import { ADMIN_PASSWORD_FILE, type Platform, type PlatformOptions, startPlatform } from "../../src/platform/platform.ts";

export const API = "/apis/kpanda.io/v1alpha1";

export type Reply = { status: number; body: any; headers: Headers };

export type TestPlatform = {
  platform: Platform;
  dataDir: string;
  adminPassword: string;
  /** A call to the REST API as `token` (or unauthenticated). */
  call(method: string, path: string, body?: unknown, token?: string): Promise<Reply>;
  login(username: string, password: string): Promise<string>;
  adminToken(): Promise<string>;
  close(): Promise<void>;
};

export async function startTestPlatform(opts: Partial<PlatformOptions> = {}): Promise<TestPlatform> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), "kpanda-platform-")));
  const platform = await startPlatform({ port: 0, logger: pino({ level: "silent" }), ...opts, dataDir });
  if (platform.caCert) trustCA(platform.caCert);
  const adminPassword = (await readFile(join(dataDir, ADMIN_PASSWORD_FILE), "utf8")).trim();
  const call: TestPlatform["call"] = async (method, path, body, token) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${platform.url}${path.startsWith("/apis") || path.startsWith("/k8s") ? "" : API}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const login = async (username: string, password: string) => {
    const r = await call("POST", "/login", { username, password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token as string;
  };
  let admin: string | undefined;
  return {
    platform,
    dataDir,
    adminPassword,
    call,
    login,
    adminToken: async () => (admin ??= await login("admin", adminPassword)),
    async close() {
      await platform.close();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const trusted = new Set<string>();

/**
 * Adds a CA to this process's default trust (what fetch() and node:https use
 * when not given a `ca`). Node's fetch is its bundled undici, which takes no
 * dispatcher from the undici package installed here (another major version),
 * so the default CA list is how raw fetch() calls in tests trust kpanda.
 */
export function trustCA(pem: string): void {
  if (trusted.has(pem)) return;
  trusted.add(pem);
  setDefaultCACertificates([...getCACertificates("default"), pem]);
}
