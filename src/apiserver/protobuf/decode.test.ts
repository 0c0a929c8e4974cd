import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ApiError } from "../registry/errors.ts";
import { decodeProtobufObject } from "./decode.ts";
import { isScalar, message, packages } from "./schema.ts";
import { durationString } from "./special.ts";

const testdata = join(import.meta.dirname, "testdata");
const fixture = (name: string) => readFileSync(join(testdata, name));

// Each <name>.pb is the body kubectl v1.32.4 sent for the command (read from
// its -v=10 request dump); <name>.json is `<command> -o json --dry-run=client`,
// the JSON kubectl would have sent instead.
const GOLDEN: Record<string, string> = {
  configmap: "create configmap foo --from-literal=a=b --from-literal=c=d",
  secret: "create secret generic s1 --from-literal=user=admin --from-literal=pw=s3cr3t",
  dockerregistry:
    "create secret docker-registry reg1 --docker-server=r.io --docker-username=u --docker-password=p",
  namespace: "create namespace ns1",
  deployment: "create deployment web --image=nginx --replicas=2 --port=80",
  service: "create service clusterip svc1 --tcp=80:8080",
  svcnodeport: "create service nodeport np1 --tcp=5678:8080 --node-port=30080",
  job: "create job j1 --image=busybox -- echo hi",
  cronjob: 'create cronjob cj1 --image=busybox --schedule="*/5 * * * *" -- date',
  role: "create role r1 --verb=get --resource=pods",
  rolebinding: "create rolebinding rb1 --role=r1 --user=alice --serviceaccount=default:sa1",
  clusterrole: "create clusterrole cr1 --verb=get,list --resource=deployments.apps --resource-name=x",
  clusterrolebinding: "create clusterrolebinding crb1 --clusterrole=cr1 --group=devs",
  quota: "create quota q1 --hard=cpu=1,memory=1Gi,pods=10",
  pdb: "create poddisruptionbudget pdb1 --selector=app=web --min-available=1",
  serviceaccount: "create serviceaccount sa1",
  ingress: 'create ingress ing1 --rule="foo.com/bar=svc1:http,tls=my-cert" --class=nginx',
};

for (const [name, command] of Object.entries(GOLDEN)) {
  test(`kubectl ${command.split(" ").slice(0, 2).join(" ")} (${name}): the protobuf body decodes to the JSON kubectl would send`, () => {
    const want = JSON.parse(fixture(`${name}.json`).toString("utf8"));
    assert.deepEqual(decodeProtobufObject(fixture(`${name}.pb`)), want);
  });
}

test("kubectl create token: the TokenRequest body keeps its non-omitempty fields as Go prints them", () => {
  // kubectl create token default --duration=1h --audience=api (no dry-run form:
  // expected JSON follows the Go tags: audiences, expirationSeconds (*int64),
  // boundObjectRef (*ref, nil), token and expirationTimestamp carry no omitempty).
  assert.deepEqual(decodeProtobufObject(fixture("token.pb")), {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    metadata: { creationTimestamp: null },
    spec: { audiences: ["api"], expirationSeconds: 3600, boundObjectRef: null },
    status: { token: "", expirationTimestamp: null },
  });
});

test("kubectl auth can-i get pods: the SelfSubjectAccessReview body decodes with allowed false kept", () => {
  assert.deepEqual(decodeProtobufObject(fixture("canig.pb")), {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: "default", verb: "get", resource: "pods" } },
    status: { allowed: false },
  });
});

// A tiny encoder for hand-made bodies.
function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return out;
}
const field = (num: number, v: string | number[] | bigint | boolean): number[] => {
  if (typeof v === "bigint") return [...varint(BigInt(num << 3)), ...varint(v)];
  if (typeof v === "boolean") return [...varint(BigInt(num << 3)), v ? 1 : 0];
  const b = typeof v === "string" ? [...Buffer.from(v)] : v;
  return [...varint(BigInt((num << 3) | 2)), ...varint(BigInt(b.length)), ...b];
};
const body = (apiVersion: string, kind: string, raw: number[]) =>
  Buffer.from([
    0x6b,
    0x38,
    0x73,
    0x00,
    ...field(1, [...field(1, apiVersion), ...field(2, kind)]),
    ...field(2, raw),
  ]);

test("times, durations, int-or-strings, quantities and raw extensions decode to their JSON forms", () => {
  const time = [...field(1, 1700000000n), ...field(2, 500n)];
  const micro = [...field(1, 1700000000n), ...field(2, 123456789n)];
  const ev = decodeProtobufObject(
    body("events.k8s.io/v1", "Event", [
      ...field(1, [...field(1, "e1"), ...field(8, time)]),
      ...field(2, micro),
      ...field(3, [...field(1, 3n), ...field(2, micro)]),
      ...field(4, "kubectl"),
    ]),
  );
  assert.equal(ev.metadata?.creationTimestamp, "2023-11-14T22:13:20Z");
  assert.equal(ev.eventTime, "2023-11-14T22:13:20.123456Z");
  assert.deepEqual(ev.series, { count: 3, lastObservedTime: "2023-11-14T22:13:20.123456Z" });
  assert.equal(ev.deprecatedFirstTimestamp, null);

  const hpa = decodeProtobufObject(
    body("autoscaling/v2", "HorizontalPodAutoscaler", [
      ...field(2, [
        ...field(4, [
          ...field(1, "Resource"),
          ...field(4, [
            ...field(1, "cpu"),
            ...field(2, [...field(1, "AverageValue"), ...field(3, [...field(1, "500m")])]),
          ]),
        ]),
        ...field(3, 5n),
      ]),
    ]),
  );
  assert.deepEqual(hpa.spec.metrics, [
    { type: "Resource", resource: { name: "cpu", target: { type: "AverageValue", averageValue: "500m" } } },
  ]);
  assert.equal(hpa.spec.maxReplicas, 5);

  const dep = decodeProtobufObject(
    body("apps/v1", "Deployment", [
      ...field(2, [
        ...field(4, [
          ...field(1, "RollingUpdate"),
          ...field(2, [...field(1, [...field(1, 1n), ...field(3, "25%")]), ...field(2, [...field(2, 2n)])]),
        ]),
      ]),
    ]),
  );
  assert.deepEqual(dep.spec.strategy, {
    type: "RollingUpdate",
    rollingUpdate: { maxUnavailable: "25%", maxSurge: 2 },
  });

  const cr = decodeProtobufObject(
    body("apps/v1", "ControllerRevision", [...field(2, field(1, '{"a":[1]}')), ...field(3, 7n)]),
  );
  assert.deepEqual(cr.data, { a: [1] });
  assert.equal(cr.revision, 7);

  const pod = decodeProtobufObject(
    body("v1", "Pod", [...field(2, [...field(2, field(1, "c")), ...field(4, -1n), ...field(3, "")])]),
  );
  assert.equal(pod.spec.terminationGracePeriodSeconds, -1, "negative int64 varints decode");
  assert.equal("restartPolicy" in pod.spec, false, "restartPolicy is omitempty: an empty string is dropped");
  assert.deepEqual(pod.spec.containers, [{ name: "c", resources: {} }]);
});

test("Go duration strings match time.Duration.String", () => {
  assert.equal(durationString(0n), "0s");
  assert.equal(durationString(3_600_000_000_000n), "1h0m0s");
  assert.equal(durationString(1_500_000_000n), "1.5s");
  assert.equal(durationString(300_000_000n), "300ms");
  assert.equal(durationString(1500n), "1.5µs");
  assert.equal(durationString(-90_000_000_000n), "-1m30s");
});

test("zero values: kept when the field is a pointer or lacks omitempty, dropped when non-pointer omitempty", () => {
  const dep = decodeProtobufObject(
    body("apps/v1", "Deployment", [...field(2, [...field(1, 0n), ...field(5, 0n), ...field(7, false)])]),
  );
  assert.equal(dep.spec.replicas, 0, "*int32 replicas set to 0 is kept");
  assert.equal("minReadySeconds" in dep.spec, false, "int32 minReadySeconds,omitempty at 0 is dropped");
  assert.equal("paused" in dep.spec, false);
  assert.equal(dep.spec.selector, null, "absent *LabelSelector without omitempty prints null");
  assert.deepEqual(dep.spec.template, { metadata: { creationTimestamp: null }, spec: { containers: null } });
  assert.deepEqual(dep.status, {}, "a non-pointer status struct prints {}");

  const svc = decodeProtobufObject(
    body("v1", "Service", [...field(2, field(1, [...field(1, ""), ...field(3, 0n)]))]),
  );
  assert.deepEqual(
    svc.spec.ports,
    [{ port: 0, targetPort: 0 }],
    "port (no omitempty) 0 stays; targetPort struct prints 0",
  );

  const secret = decodeProtobufObject(
    body("v1", "Secret", [...field(2, [...field(1, "k"), ...field(2, [0, 1, 255])])]),
  );
  assert.deepEqual(secret.data, { k: "AAH/" }, "bytes map values are base64");
});

test("every message the tables reference is in the tables", () => {
  for (const pkg of packages()) {
    for (const name of Object.keys(pkg.messages)) {
      for (const f of message(`${pkg.id}.${name}`)!.fields) {
        if (isScalar(f.type) || f.type.startsWith("@")) continue;
        assert.ok(message(f.type), `${pkg.id}.${name}.${f.json} refers to ${f.type}`);
      }
    }
    for (const kind of pkg.kinds) assert.ok(pkg.messages[kind], `${pkg.id} kind ${kind}`);
  }
});

function assertBadRequest(buf: Buffer, pattern: RegExp) {
  assert.throws(
    () => decodeProtobufObject(buf),
    (e: unknown) =>
      e instanceof ApiError && e.code === 400 && e.reason === "BadRequest" && pattern.test(e.message),
  );
}

test("a truncated body answers 400 BadRequest at every cut point inside a field", () => {
  const full = fixture("deployment.pb");
  // Bytes 4..27 are typeMeta, 27..214 the raw Deployment, then two empty
  // strings (contentEncoding, contentType): a cut at 27 or from 214 on leaves
  // whole fields, which is a valid (shorter) message.
  for (let n = 5; n < 214; n++) {
    if (n === 27) continue;
    assert.throws(
      () => decodeProtobufObject(full.subarray(0, n)),
      (e: unknown) => e instanceof ApiError && e.code === 400,
      `cut at ${n}`,
    );
  }
});

test("a body without the k8s magic answers 400 BadRequest", () => {
  assertBadRequest(Buffer.from('{"kind":"ConfigMap"}'), /expected prefix/);
  assertBadRequest(Buffer.from([0x6b, 0x38]), /expected prefix/);
});

test("a field sent with the wrong wire type answers 400 BadRequest", () => {
  // ConfigMap metadata (field 1) sent as a varint.
  assertBadRequest(body("v1", "ConfigMap", field(1, 5n)), /wrong wireType/);
  // ObjectMeta.generation (int64) sent as bytes.
  assertBadRequest(body("v1", "ConfigMap", field(1, field(7, "x"))), /wrong wireType/);
  // Wire types 3 and 4 (groups) and 6, 7 are not accepted.
  assertBadRequest(body("v1", "ConfigMap", [0x0b]), /illegal wireType/);
});

test("an unknown kind or a missing kind answers 400 BadRequest", () => {
  assertBadRequest(body("v1", "Widget", []), /no kind "Widget" is registered for version "v1"/);
  assertBadRequest(body("example.com/v1", "ConfigMap", []), /no kind "ConfigMap"/);
  assertBadRequest(Buffer.from([0x6b, 0x38, 0x73, 0x00, ...field(2, [])]), /Kind' is missing/);
});

test("unknown field numbers are skipped, as a proto2 reader does", () => {
  const cm = decodeProtobufObject(
    body("v1", "ConfigMap", [...field(99, "x"), ...field(98, 1n), ...field(1, field(1, "n"))]),
  );
  assert.deepEqual(cm, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "n", creationTimestamp: null },
  });
});

test("deeply nested input answers 400 BadRequest instead of overflowing the stack", () => {
  // RawExtension bodies may hold another protobuf object: nest ControllerRevisions.
  let inner = body("apps/v1", "ControllerRevision", []);
  for (let i = 0; i < 100; i++) inner = body("apps/v1", "ControllerRevision", field(2, field(1, [...inner])));
  assertBadRequest(inner, /nesting depth/);
});
