// Printers for persistent volumes, claims and storage classes.
import type { KObject } from "../registry/types.ts";
import { AGE, ageOf, NAME, nameOf } from "./common.ts";
import { desc } from "./descriptions.ts";
import { accessModes, str } from "./format.ts";
import { col, type Printer } from "./types.ts";

const BETA_CLASS = "volume.beta.kubernetes.io/storage-class";

/** The beta storage-class annotation wins over spec.storageClassName. */
function storageClassOf(obj: KObject): string {
  const ann = obj.metadata?.annotations?.[BETA_CLASS];
  if (ann !== undefined) return ann;
  return str(obj.spec?.storageClassName);
}

function phaseOf(obj: KObject): string {
  return obj.metadata?.deletionTimestamp ? "Terminating" : str(obj.status?.phase);
}

export const persistentVolumePrinter: Printer = {
  columns: [
    NAME,
    col("Capacity", "string", desc["PersistentVolumeSpec.capacity"]),
    col("Access Modes", "string", desc["PersistentVolumeSpec.accessModes"]),
    col("Reclaim Policy", "string", desc["PersistentVolumeSpec.persistentVolumeReclaimPolicy"]),
    col("Status", "string", desc["PersistentVolumeStatus.phase"]),
    col("Claim", "string", desc["PersistentVolumeSpec.claimRef"]),
    col("StorageClass", "string", "StorageClass of the pv"),
    col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
    col("Reason", "string", desc["PersistentVolumeStatus.reason"]),
    AGE,
    col("VolumeMode", "string", desc["PersistentVolumeSpec.volumeMode"], 1),
  ],
  cells(pv, ctx) {
    const ref = pv.spec?.claimRef;
    return [
      nameOf(pv),
      str(pv.spec?.capacity?.storage) || "0",
      accessModes(pv.spec?.accessModes),
      str(pv.spec?.persistentVolumeReclaimPolicy),
      phaseOf(pv),
      ref ? `${str(ref.namespace)}/${str(ref.name)}` : "",
      storageClassOf(pv),
      pv.spec?.volumeAttributesClassName ?? "<unset>",
      str(pv.status?.reason),
      ageOf(pv, ctx),
      pv.spec?.volumeMode ?? "<unset>",
    ];
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    NAME,
    col("Status", "string", desc["PersistentVolumeClaimStatus.phase"]),
    col("Volume", "string", desc["PersistentVolumeClaimSpec.volumeName"]),
    col("Capacity", "string", desc["PersistentVolumeClaimStatus.capacity"]),
    col("Access Modes", "string", desc["PersistentVolumeClaimStatus.accessModes"]),
    col("StorageClass", "string", "StorageClass of the pvc"),
    col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
    AGE,
    col("VolumeMode", "string", desc["PersistentVolumeClaimSpec.volumeMode"], 1),
  ],
  cells(pvc, ctx) {
    const bound = Boolean(pvc.spec?.volumeName);
    return [
      nameOf(pvc),
      phaseOf(pvc),
      str(pvc.spec?.volumeName),
      bound ? str(pvc.status?.capacity?.storage) || "0" : "",
      bound ? accessModes(pvc.status?.accessModes) : "",
      storageClassOf(pvc),
      pvc.spec?.volumeAttributesClassName ?? "<unset>",
      ageOf(pvc, ctx),
      pvc.spec?.volumeMode ?? "<unset>",
    ];
  },
};

function isDefaultClass(sc: KObject): boolean {
  const ann = sc.metadata?.annotations ?? {};
  return (
    ann["storageclass.kubernetes.io/is-default-class"] === "true" ||
    ann["storageclass.beta.kubernetes.io/is-default-class"] === "true"
  );
}

export const storageClassPrinter: Printer = {
  columns: [
    NAME,
    col("Provisioner", "string", desc["StorageClass.provisioner"]),
    col("ReclaimPolicy", "string", desc["StorageClass.reclaimPolicy"]),
    col("VolumeBindingMode", "string", desc["StorageClass.volumeBindingMode"]),
    col("AllowVolumeExpansion", "string", desc["StorageClass.allowVolumeExpansion"]),
    AGE,
  ],
  cells: (sc, ctx) => [
    isDefaultClass(sc) ? `${nameOf(sc)} (default)` : nameOf(sc),
    str(sc.provisioner),
    sc.reclaimPolicy ?? "Delete",
    sc.volumeBindingMode ?? "Immediate",
    sc.allowVolumeExpansion === true,
    ageOf(sc, ctx),
  ],
};
