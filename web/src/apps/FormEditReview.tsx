// The last step of the form editing an existing workload: the object is sent
// with dryRun=All first (the member's field errors show below the step), then
// the diff between the object as read and as it will be written is shown,
// and only "Apply" replaces it (PUT …/{kind}/{name}/json, with the
// resourceVersion read, so a change made meanwhile is refused, not lost).
import { Button, Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core";
import { useQuery } from "@tanstack/react-query";
import { createTwoFilesPatch } from "diff";
import { useTranslation } from "react-i18next";
import { stringify } from "yaml";
import type { ApiError } from "../api/ApiError.ts";
import { appPaths, type KObject, writeYaml } from "../api/apps.ts";
import { get } from "../api/client.ts";
import { DiffView } from "../components/DiffView.tsx";

export type EditTarget = { cluster: string; namespace: string; plural: string; name: string };

/** The object as it is edited: without what the member manages (managedFields, status). */
export function editableYaml(o: KObject): string {
  const { status: _s, cluster: _c, ...rest } = o;
  const { managedFields: _m, ...metadata } = o.metadata;
  return stringify({ ...rest, metadata });
}

/** The workload as the member has it (read once: the form edits this version). */
export function useEditedObject(t: EditTarget | undefined) {
  return useQuery<KObject, ApiError>({
    queryKey: ["formEdit", t],
    enabled: !!t,
    queryFn: ({ signal }) => get<KObject>(appPaths.json(t!.cluster, t!.namespace, t!.plural, t!.name), undefined, signal),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
  });
}

/** Writes the edited object: a dry run, or the replacement. */
export const writeEdited = (t: EditTarget, yaml: string, dryRun: boolean) =>
  writeYaml(t.cluster, t.namespace, t.plural, yaml, { name: t.name, dryRun });

export function EditReview({
  name,
  before,
  after,
  busy,
  onApply,
  onClose,
}: {
  name: string;
  before: string;
  after: string;
  busy: boolean;
  onApply: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal isOpen variant="large" onClose={onClose} aria-labelledby="form-review-title">
      <ModalHeader title={t("apps.reviewTitle", { name })} labelId="form-review-title" description={t("apps.reviewHelp")} />
      <ModalBody>
        <DiffView diff={createTwoFilesPatch(name, name, before, after, "", "", { context: 3 })} label={t("apps.changes")} />
      </ModalBody>
      <ModalFooter>
        <Button onClick={onApply} isLoading={busy} isDisabled={busy}>
          {t("apps.apply")}
        </Button>
        <Button variant="link" onClick={onClose}>
          {t("common.cancel")}
        </Button>
      </ModalFooter>
    </Modal>
  );
}
