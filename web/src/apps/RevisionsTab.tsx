// A workload's revisions (a Deployment's ReplicaSets, a StatefulSet's or
// DaemonSet's ControllerRevisions), oldest first: each one's time, images and
// change cause; the diff of its pod template against the one before it; and a
// rollback that first shows what it would change (current → that revision).
import { Button, Label, Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../api/ApiError.ts";
import { appPaths, type Revision, revisionDiff, runAction } from "../api/apps.ts";
import { get } from "../api/client.ts";
import { useCan } from "../api/me.ts";
import { DiffView } from "../components/DiffView.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { useNotify } from "../components/Notifications.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { dateTime } from "../lib/format.ts";

export type WorkloadRef = { cluster: string; namespace: string; plural: string; name: string };

type Open = { mode: "diff" | "rollback"; a: number; b: number; revision: number };

export function RevisionsTab({ w }: { w: WorkloadRef }) {
  const { t } = useTranslation();
  const can = useCan();
  const [open, setOpen] = useState<Open>();
  const { data, error } = useQuery<{ items: Revision[] }, ApiError>({
    queryKey: ["revisions", w],
    queryFn: ({ signal }) =>
      get(appPaths.revisions(w.cluster, w.namespace, w.plural, w.name), { pageSize: 100 }, signal),
    refetchInterval: 5_000,
  });
  const edit = can("workloads.edit", { cluster: w.cluster, namespace: w.namespace });
  if (error) return <ErrorAlert error={error} />;
  if (!data) return <PageLoading />;
  const items = data.items;
  const current = items.find((r) => r.current)?.revision ?? items.at(-1)?.revision ?? 0;
  return (
    <>
      <Table aria-label={t("apps.revisions")} variant="compact" data-testid="revisions">
        <Thead>
          <Tr>
            <Th>{t("apps.revision")}</Th>
            <Th>{t("common.created")}</Th>
            <Th>{t("apps.images")}</Th>
            <Th>{t("apps.changeCause")}</Th>
            <Th screenReaderText={t("list.actions")} />
          </Tr>
        </Thead>
        <Tbody>
          {items.map((r, i) => (
            <Tr key={r.revision} data-row={r.revision}>
              <Td dataLabel={t("apps.revision")}>
                {r.revision}{" "}
                {r.current && (
                  <Label isCompact color="green">
                    {t("apps.current")}
                  </Label>
                )}
              </Td>
              <Td dataLabel={t("common.created")}>{dateTime(r.time)}</Td>
              <Td dataLabel={t("apps.images")}>
                <code>{(r.images ?? []).join(", ")}</code>
              </Td>
              <Td dataLabel={t("apps.changeCause")}>{r.changeCause ?? "–"}</Td>
              <Td isActionCell>
                {i > 0 && (
                  <Button
                    variant="link"
                    isInline
                    onClick={() =>
                      setOpen({ mode: "diff", a: items[i - 1].revision, b: r.revision, revision: r.revision })
                    }
                  >
                    {t("apps.viewDiff")}
                  </Button>
                )}{" "}
                {edit && !r.current && (
                  <Button
                    variant="secondary"
                    size="sm"
                    onClick={() =>
                      setOpen({ mode: "rollback", a: current, b: r.revision, revision: r.revision })
                    }
                  >
                    {t("apps.rollbackTo", { revision: r.revision })}
                  </Button>
                )}
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      {open && <DiffDialog w={w} open={open} onClose={() => setOpen(undefined)} />}
    </>
  );
}

function DiffDialog({ w, open, onClose }: { w: WorkloadRef; open: Open; onClose: () => void }) {
  const { t } = useTranslation();
  const notify = useNotify();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const diff = useQuery<string, ApiError>({
    queryKey: ["revisionDiff", w, open.a, open.b],
    queryFn: ({ signal }) => revisionDiff(w.cluster, w.namespace, w.plural, w.name, open.a, open.b, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const rollback = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await runAction(w.cluster, w.namespace, w.plural, w.name, "rollback", { revision: open.revision });
      notify("success", t("apps.rolledBack", { name: w.name, revision: open.revision }));
      onClose();
      // The member renumbers the revision it went back to: diffs read before name other templates now.
      client.removeQueries({ queryKey: ["revisionDiff"] });
      await client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "revisionDiff" });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const title =
    open.mode === "rollback"
      ? t("apps.rollbackTitle", { revision: open.revision })
      : t("apps.diffTitle", { a: open.a, b: open.b });
  return (
    <Modal isOpen variant="large" onClose={onClose} aria-labelledby="diff-title">
      <ModalHeader
        title={title}
        labelId="diff-title"
        description={open.mode === "rollback" ? t("apps.rollbackHelp", { a: open.a, b: open.b }) : undefined}
      />
      <ModalBody>
        {diff.error && <ErrorAlert error={diff.error} />}
        {diff.data === undefined && !diff.error && <PageLoading />}
        {diff.data !== undefined && <DiffView diff={diff.data} label={title} />}
        {error !== undefined && <ErrorAlert error={error} />}
      </ModalBody>
      <ModalFooter>
        {open.mode === "rollback" && (
          <Button onClick={rollback} isLoading={busy} isDisabled={busy || diff.data === undefined}>
            {t("apps.rollback")}
          </Button>
        )}
        <Button variant="link" onClick={onClose}>
          {open.mode === "rollback" ? t("common.cancel") : t("common.close")}
        </Button>
      </ModalFooter>
    </Modal>
  );
}
