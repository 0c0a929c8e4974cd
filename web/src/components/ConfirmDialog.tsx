// A confirmation dialog for a destructive action. With `typeToConfirm`, the
// button is enabled only once the user has typed that name. The action runs
// here, so its error is shown in the dialog, next to what caused it.
import { Button, Form, FormGroup, Modal, ModalBody, ModalFooter, ModalHeader, TextInput } from "@patternfly/react-core";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "./ErrorAlert.tsx";

type Props = {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  typeToConfirm?: string;
  danger?: boolean;
};

export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onClose, typeToConfirm, danger = true }: Props) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const ready = !typeToConfirm || typed === typeToConfirm;
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="confirm-title">
      <ModalHeader title={title} labelId="confirm-title" titleIconVariant={danger ? "warning" : undefined} />
      <ModalBody>
        <div className="pf-v6-u-mb-md">{body}</div>
        {typeToConfirm && (
          <Form
            onSubmit={(e) => {
              e.preventDefault();
              if (ready) void confirm();
            }}
          >
            <FormGroup label={t("confirm.typeName", { name: typeToConfirm })} fieldId="confirm-name">
              <TextInput id="confirm-name" value={typed} onChange={(_e, v) => setTyped(v)} autoComplete="off" />
            </FormGroup>
          </Form>
        )}
        {error !== undefined && <ErrorAlert error={error} />}
      </ModalBody>
      <ModalFooter>
        <Button variant={danger ? "danger" : "primary"} onClick={confirm} isDisabled={!ready || busy} isLoading={busy}>
          {confirmLabel}
        </Button>
        <Button variant="link" onClick={onClose}>
          {t("common.cancel")}
        </Button>
      </ModalFooter>
    </Modal>
  );
}
