// A dialog around a form: its fields, a submit button that runs `onSubmit`
// (busy while it runs), and the error it raised shown inside the dialog.
// Enter in a field submits, Escape closes.
import { Button, Form, Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "./ErrorAlert.tsx";

type Props = {
  title: string;
  submitLabel: string;
  onSubmit: () => Promise<unknown>;
  onClose: () => void;
  children: ReactNode;
  canSubmit?: boolean;
  /** After success: close (default), or stay open (to show a result). */
  closeOnSuccess?: boolean;
  variant?: "small" | "medium" | "large";
};

export function FormDialog({ title, submitLabel, onSubmit, onClose, children, canSubmit = true, closeOnSuccess = true, variant = "medium" }: Props) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async () => {
    if (!canSubmit || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit();
      if (closeOnSuccess) onClose();
      else setBusy(false);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal isOpen onClose={onClose} variant={variant} aria-labelledby="form-dialog-title">
      <ModalHeader title={title} labelId="form-dialog-title" />
      <ModalBody>
        <Form
          id="form-dialog"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          {children}
          {error !== undefined && <ErrorAlert error={error} />}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="form-dialog" isDisabled={!canSubmit || busy} isLoading={busy}>
          {submitLabel}
        </Button>
        <Button variant="link" onClick={onClose}>
          {t("common.cancel")}
        </Button>
      </ModalFooter>
    </Modal>
  );
}
