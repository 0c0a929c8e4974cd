import assert from "node:assert/strict";
import { test } from "node:test";
import { infoFor, lines } from "./testing.ts";
import { validateObject } from "./validation.ts";

const meta = { name: "x", namespace: "default" };

test("NetworkPolicy ports, peers and ipBlocks give upstream's errors", () => {
  const np = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta,
    spec: {
      podSelector: {},
      ingress: [
        {
          ports: [{ protocol: "ICMP", port: 70000 }, { port: 90, endPort: 80 }, { port: "http", endPort: 81 }],
          from: [{}, { ipBlock: { cidr: "10.0.0.0/8", except: ["192.168.0.0/16"] }, podSelector: {} }],
        },
      ],
      egress: [{ to: [{ ipBlock: { cidr: "10.0.0.300/8" } }] }],
    },
  };
  assert.deepEqual(lines(validateObject(infoFor("NetworkPolicy", "networking.k8s.io"), np)), [
    'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    "spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
    "spec.ingress[0].ports[1].endPort: Invalid value: 90: must be greater than or equal to `port`",
    "spec.ingress[0].ports[2].endPort: Invalid value: 81: may not be specified when `port` is non-numeric",
    "spec.ingress[0].from[0]: Required value: must specify a peer",
    'spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`',
    "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer",
    'spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.300/8": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]);
});

test("Ingress needs rules or a default backend, and each backend a service port", () => {
  const info = infoFor("Ingress", "networking.k8s.io");
  const ing = (spec: Record<string, unknown>) => ({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: meta, spec });
  assert.deepEqual(lines(validateObject(info, ing({}))), [
    "spec: Invalid value: null: either `defaultBackend` or `rules` must be specified",
  ]);
  const errs = lines(
    validateObject(
      info,
      ing({
        rules: [
          {
            host: "10.0.0.1",
            http: {
              paths: [
                { path: "/a//b", pathType: "Prefix", backend: { service: { name: "web", port: {} } } },
                { path: "/", pathType: "Exact", backend: {} },
              ],
            },
          },
        ],
      }),
    ),
  );
  assert.deepEqual(errs, [
    'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
    "spec.rules[0].http.paths[0].path: Invalid value: \"/a//b\": must not contain '//'",
    "spec.rules[0].http.paths[0].backend.service.port: Required value: port name or number is required",
    'spec.rules[0].http.paths[1].backend: Invalid value: "": resource or service backend is required',
  ]);
});

test("HPA metrics must name one populated source with a sensible target", () => {
  const hpa = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta,
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      maxReplicas: 3,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 0 } } },
        { type: "Pods" },
        { type: "Resource", resource: { name: "memory", target: { type: "Value", value: "1Gi" } } },
      ],
    },
  };
  assert.deepEqual(lines(validateObject(infoFor("HorizontalPodAutoscaler", "autoscaling", "v2"), hpa)), [
    "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
    "spec.metrics[1].pods: Required value: must populate information for the given metric source",
    "spec.metrics[2].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization",
    "spec.metrics[2].resource.target.value: Forbidden: may not set 'value' for a resource metric source",
  ]);
});
