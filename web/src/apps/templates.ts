// The YAML a new workload starts from, per kind: the smallest object the
// member accepts (apps/v1 and batch/v1 shapes), to be edited before creating.
import { stringify } from "yaml";

const pod = (name: string) => ({
  metadata: { labels: { app: name } },
  spec: { containers: [{ name: "main", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] },
});

export function templateFor(plural: string, namespace: string | undefined): string {
  const name = "my-app";
  const metadata = { name, ...(namespace ? { namespace } : {}), labels: { app: name } };
  const selector = { matchLabels: { app: name } };
  const job = {
    template: {
      spec: {
        restartPolicy: "Never",
        containers: [{ name: "main", image: "busybox:1.36", command: ["sh", "-c", "echo done"] }],
      },
    },
  };
  const objects: Record<string, unknown> = {
    deployments: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata,
      spec: { replicas: 2, selector, template: pod(name) },
    },
    statefulsets: {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata,
      spec: { serviceName: name, replicas: 1, selector, template: pod(name) },
    },
    daemonsets: {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata,
      spec: { selector, template: pod(name) },
    },
    jobs: { apiVersion: "batch/v1", kind: "Job", metadata, spec: job },
    cronjobs: {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata,
      spec: { schedule: "*/5 * * * *", jobTemplate: { spec: job } },
    },
  };
  return stringify(objects[plural] ?? objects.deployments);
}
