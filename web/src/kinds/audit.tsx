// The audit log: who did what, where and with what result, newest first,
// filtered by user, cluster, verb and time on the server.
import { Label } from "@patternfly/react-core";
import type { AuditEntry } from "../api/types.ts";
import { paths } from "../api/paths.ts";
import { dateTime } from "../lib/format.ts";
import { kind } from "./types.ts";

const VERBS = ["create", "update", "patch", "delete", "login", "cordon", "uncordon", "drain", "validate", "exec"];

export const auditKind = kind<AuditEntry>({
  kind: "AuditEntry",
  title: "nav.audit",
  path: () => paths.audit,
  key: (e) => `${e.time}/${e.user}/${e.verb}/${e.path}`,
  search: false,
  pageSize: 50,
  filters: [
    { id: "user", title: "audit.user", type: "text" },
    { id: "cluster", title: "common.cluster", type: "text" },
    { id: "verb", title: "audit.verb", type: "select", options: VERBS.map((v) => ({ value: v, label: `verb.${v}` })) },
    { id: "since", title: "audit.since", type: "text" },
    { id: "until", title: "audit.until", type: "text" },
  ],
  columns: [
    { id: "time", title: "audit.time", width: 15, render: (e) => dateTime(e.time) },
    { id: "user", title: "audit.user", render: (e) => e.user },
    { id: "verb", title: "audit.verb", render: (e) => e.verb },
    { id: "resource", title: "audit.resource", render: (e) => [e.resource, e.name].filter(Boolean).join("/") || "–" },
    { id: "cluster", title: "common.cluster", render: (e) => e.cluster ?? "–" },
    { id: "namespace", title: "common.namespace", render: (e) => e.namespace ?? "–" },
    {
      id: "code",
      title: "audit.result",
      render: (e) => (
        <Label isCompact color={e.code < 400 ? "green" : "red"}>
          {e.code}
        </Label>
      ),
    },
    { id: "source", title: "audit.source", render: (e) => `${e.sourceIP} (${e.via})` },
  ],
});
