// Printers for the remaining small kinds: PodDisruptionBudgets (policy/v1),
// RoleBindings and ClusterRoleBindings (rbac), and Leases (coordination).
import type { KObject } from "../registry/types.ts";
import { AGE, ageOf, NAME, nameOf } from "./common.ts";
import { desc } from "./descriptions.ts";
import { arr, int, str } from "./format.ts";
import { col, type Printer } from "./types.ts";

function intOrString(value: unknown): string {
  return value === undefined || value === null ? "N/A" : String(value);
}

export const pdbPrinter: Printer = {
  columns: [
    NAME,
    col("Min Available", "string", "The minimum number of pods that must be available."),
    col("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
    col("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
    AGE,
  ],
  cells: (pdb, ctx) => [
    nameOf(pdb),
    intOrString(pdb.spec?.minAvailable),
    intOrString(pdb.spec?.maxUnavailable),
    int(pdb.status?.disruptionsAllowed),
    ageOf(pdb, ctx),
  ],
};

/** Users, groups and service accounts ("namespace/name") of a binding, each joined by ", ". */
function subjects(binding: KObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of arr(binding.subjects)) {
    if (s?.kind === "ServiceAccount") sas.push(`${str(s.namespace)}/${str(s.name)}`);
    else if (s?.kind === "User") users.push(str(s.name));
    else if (s?.kind === "Group") groups.push(str(s.name));
  }
  return [users.join(", "), groups.join(", "), sas.join(", ")];
}

function bindingPrinter(what: string, roleRefDescription: string): Printer {
  return {
    columns: [
      NAME,
      col("Role", "string", roleRefDescription),
      AGE,
      col("Users", "string", `Users in the ${what}`, 1),
      col("Groups", "string", `Groups in the ${what}`, 1),
      col("ServiceAccounts", "string", `ServiceAccounts in the ${what}`, 1),
    ],
    cells: (b, ctx) => [
      nameOf(b),
      `${str(b.roleRef?.kind)}/${str(b.roleRef?.name)}`,
      ageOf(b, ctx),
      ...subjects(b),
    ],
  };
}

export const roleBindingPrinter = bindingPrinter("roleBinding", desc["RoleBinding.roleRef"]);
export const clusterRoleBindingPrinter = bindingPrinter(
  "clusterRoleBinding",
  desc["ClusterRoleBinding.roleRef"],
);

export const leasePrinter: Printer = {
  columns: [NAME, col("Holder", "string", desc["LeaseSpec.holderIdentity"]), AGE],
  cells: (lease, ctx) => [nameOf(lease), str(lease.spec?.holderIdentity), ageOf(lease, ctx)],
};
