// The last step of the form editing an existing workload: the object is sent
// with dryRun=All first (the member's field errors show below the step), then
// the diff between the object as read and as it will be written is shown,
// and only "Apply" replaces it (PUT …/{kind}/{name}/json, with the
// resourceVersion read, so a change made meanwhile is refused, not lost; a
// status the member wrote meanwhile is not such a change: writeMerged).
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

/** The workload as the member has it now. */
const readEdited = (t: EditTarget, signal?: AbortSignal) =>
  get<KObject>(appPaths.json(t.cluster, t.namespace, t.plural, t.name), undefined, signal);

/** The workload as the member has it (read once: the form edits this version). */
export function useEditedObject(t: EditTarget | undefined) {
  return useQuery<KObject, ApiError>({
    queryKey: ["formEdit", t],
    enabled: !!t,
    queryFn: ({ signal }) => readEdited(t!, signal),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
  });
}

/** Writes the edited object: a dry run, or the replacement. */
export const writeEdited = (t: EditTarget, yaml: string, dryRun: boolean) =>
  writeYaml(t.cluster, t.namespace, t.plural, yaml, { name: t.name, dryRun });

/** The object as edited, its resourceVersion aside: what a change made meanwhile would show in. */
const content = (o: KObject) => {
  const { resourceVersion: _v, ...metadata } = o.metadata;
  return editableYaml({ ...o, metadata });
};

/**
 * Writes the form's changes (`merge`) into `base`, the object as read, and returns the object they
 * went into. A member's controllers write a workload's status as it rolls out, and each write
 * gives it a new resourceVersion: a replacement carrying the one read is refused (409 Conflict)
 * though nobody changed what the form edits. So on a Conflict the object is read again, and when
 * it differs from `base` only in what the member manages (status, managedFields, resourceVersion)
 * the write is made on it. A change anyone made meanwhile to the rest is still refused, not lost.
 */
export async function writeMerged(t: EditTarget, base: KObject, merge: (o: KObject) => KObject, dryRun: boolean) {
  for (let attempt = 1; ; attempt++) {
    try {
      await writeEdited(t, editableYaml(merge(base)), dryRun);
      return base;
    } catch (e) {
      // A workload rolling out writes its status a few times a second at most; a few reads catch up.
      if ((e as ApiError).code !== 409 || attempt === 5) throw e;
      const fresh = await readEdited(t);
      if (content(fresh) !== content(base)) throw e;
      base = fresh;
    }
  }
}

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
