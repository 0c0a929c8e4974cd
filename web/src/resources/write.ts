// Writes of the resource pages: an object is created only after the
// member's dry run accepted it (dryRun=All), as the YAML editor does, so a
// refused one stores nothing and its field errors come back to the form.
import { useState } from "react";
import { appPaths, type KObject } from "../api/apps.ts";
import { api } from "../api/client.ts";

export async function createChecked(cluster: string, namespace: string, plural: string, object: KObject): Promise<KObject> {
  const path = appPaths.create(cluster, namespace, plural);
  await api<KObject>("POST", path, { body: object, query: { dryRun: "All" } });
  return api<KObject>("POST", path, { body: object });
}

/**
 * The error of a form's write, kept by the form to list the member's field
 * errors (FieldErrors) rather than FormDialog's one-line alert: `checked`
 * runs the write and keeps its error; the dialog stays open.
 */
export function useWriteError() {
  const [error, setError] = useState<unknown>();
  const checked = async (write: () => Promise<void>) => {
    setError(undefined);
    try {
      await write();
    } catch (e) {
      setError(e);
    }
  };
  return { error, checked };
}
