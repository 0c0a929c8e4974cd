// A namespace's Pod Security Admission levels: per mode (enforce, audit,
// warn) the level and version its labels set, and, where GET /me allows,
// setting them (a level and version for the chosen modes) or removing them.
// The member's warnings about existing pods that violate a new level are
// shown after it. A namespace whose labels a cluster policy keeps is only shown.
import {
  Alert,
  Button,
  Checkbox,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  List,
  ListItem,
  TextInput,
  Title,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../api/ApiError.ts";
import { get, post } from "../api/client.ts";
import { useCan } from "../api/me.ts";
import { paths } from "../api/paths.ts";
import { LEVELS, type Level, type PodSecurityAnswer, policyPaths, PSA_MODES, PSA_PREFIX } from "../api/policies.ts";
import type { NamespaceItem } from "../api/types.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";

const POLICY_LABEL = "kpanda.io/cluster-policy";

function useNamespace(cluster: string, namespace: string) {
  return useQuery<NamespaceItem | null, ApiError>({
    queryKey: ["namespace", cluster, namespace],
    queryFn: async ({ signal }) => {
      const r = await get<{ items: NamespaceItem[] }>(paths.namespaces(cluster), { fuzzySearch: namespace, pageSize: 500 }, signal);
      return r.items.find((n) => n.name === namespace) ?? null;
    },
    refetchInterval: 5_000,
  });
}

export function PodSecurityTab({ cluster, namespace }: { cluster: string; namespace: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const client = useQueryClient();
  const ns = useNamespace(cluster, namespace);
  const [level, setLevel] = useState<Level>("baseline");
  const [version, setVersion] = useState("latest");
  const [modes, setModes] = useState<string[]>([...PSA_MODES]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [answer, setAnswer] = useState<PodSecurityAnswer>();
  const labels = ns.data?.labels ?? {};
  const keeper = labels[POLICY_LABEL];
  const mayEdit = can("namespace.podSecurity", { cluster, namespace }) && !keeper;

  const run = async (on: boolean) => {
    setBusy(true);
    setError(undefined);
    setAnswer(undefined);
    try {
      const body = on ? { level, version: version.trim() || "latest", modes } : undefined;
      setAnswer(await post<PodSecurityAnswer>(policyPaths.podSecurity(cluster, namespace, on), body));
      await client.invalidateQueries({ queryKey: ["namespace", cluster, namespace] });
    } catch (e) {
      setError(e);
    }
    setBusy(false);
  };

  return (
    <div data-testid="pod-security">
      {ns.error && <ErrorAlert error={ns.error} />}
      {keeper && <Alert isInline variant="info" title={t("policies.ns.psaKeptBy", { policy: keeper })} className="pf-v6-u-mb-md" />}
      <Table aria-label={t("policies.ns.psaLevels")} variant="compact" className="pf-v6-u-mb-lg">
        <Thead>
          <Tr>
            <Th>{t("policies.ns.psaMode")}</Th>
            <Th>{t("policies.level")}</Th>
            <Th>{t("policies.version")}</Th>
          </Tr>
        </Thead>
        <Tbody>
          {PSA_MODES.map((m) => {
            const l = labels[`${PSA_PREFIX}${m}`];
            return (
              <Tr key={m} data-row={m}>
                <Td dataLabel={t("policies.ns.psaMode")}>{t(`policies.ns.psaModes.${m}`)}</Td>
                <Td dataLabel={t("policies.level")} data-level={l ?? ""}>
                  {l ? t(`policies.levels.${l}`, { defaultValue: l }) : t("policies.ns.notSet")}
                </Td>
                <Td dataLabel={t("policies.version")}>{l ? (labels[`${PSA_PREFIX}${m}-version`] ?? "latest") : "–"}</Td>
              </Tr>
            );
          })}
        </Tbody>
      </Table>
      {mayEdit && (
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            void run(true);
          }}
          style={{ maxWidth: "36rem" }}
        >
          <Title headingLevel="h2" size="md">
            {t("policies.ns.psaSet")}
          </Title>
          <FormGroup label={t("policies.level")} fieldId="psa-level">
            <FormSelect id="psa-level" value={level} onChange={(_e, v) => setLevel(v as Level)}>
              {LEVELS.map((l) => (
                <FormSelectOption key={l} value={l} label={t(`policies.levels.${l}`)} />
              ))}
            </FormSelect>
          </FormGroup>
          <FormGroup label={t("policies.version")} fieldId="psa-version">
            <TextInput id="psa-version" value={version} onChange={(_e, v) => setVersion(v)} />
          </FormGroup>
          <FormGroup label={t("policies.ns.psaModesLabel")} fieldId="psa-modes" role="group" isInline>
            {PSA_MODES.map((m) => (
              <Checkbox
                key={m}
                id={`psa-mode-${m}`}
                label={t(`policies.ns.psaModes.${m}`)}
                isChecked={modes.includes(m)}
                onChange={(_e, on) => setModes(on ? [...modes, m] : modes.filter((x) => x !== m))}
              />
            ))}
          </FormGroup>
          <div>
            <Button type="submit" isDisabled={busy || !modes.length} isLoading={busy} className="pf-v6-u-mr-sm">
              {t("policies.ns.psaEnable")}
            </Button>
            <Button variant="secondary" isDanger isDisabled={busy} onClick={() => void run(false)}>
              {t("policies.ns.psaDisable")}
            </Button>
          </div>
        </Form>
      )}
      {error !== undefined && <ErrorAlert error={error} />}
      {answer && (
        <Alert
          isInline
          className="pf-v6-u-mt-md"
          variant={answer.warnings.length ? "warning" : "success"}
          title={answer.warnings.length ? t("policies.ns.psaWarnings", { count: answer.warnings.length }) : t("policies.ns.psaDone")}
        >
          {answer.warnings.length > 0 && (
            <List>
              {answer.warnings.map((w) => (
                <ListItem key={w}>{w}</ListItem>
              ))}
            </List>
          )}
        </Alert>
      )}
    </div>
  );
}
