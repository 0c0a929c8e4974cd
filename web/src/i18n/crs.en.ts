// English strings of the custom resources section (key "crs" of en.ts) and of
// the form editing an existing workload (key "formEdit"); crs.zh.ts has the
// same keys.
export const crsEn = {
  title: "Custom resources",
  definitions: "Custom resource definitions",
  group: "Group",
  kind: "Kind",
  scope: "Scope",
  versions: "Versions",
  version: "Version",
  objects: "{{kind}} objects",
  objectsOf: "Objects of {{name}}",
  none: "No objects",
  noneHelp: "There is no {{kind}} here yet.",
  noCrds: "No custom resource definitions",
  noCrdsHelp: "This cluster has no CustomResourceDefinition.",
  createYaml: "Create from YAML",
  createTitle: "Create a {{kind}}",
  viewYaml: "View YAML",
  editYaml: "Edit YAML",
  edit: "Edit",
  editTitle: "Edit {{name}}",
  viewTitle: "{{kind}} {{name}}",
  deleteTitle: "Delete {{name}}?",
  deleteBody: "The {{kind}} <b>{{name}}</b> is deleted from the cluster.",
  deleted: "Deleted {{name}}",
  wrongKind: "The YAML describes a {{found}}, not a {{kind}}.",
};

export const formEditEn = {
  edit: "Edit",
  title: "Edit {{name}}",
  crumb: "Edit by form",
  reviewHelp:
    "The object as it will be written: only the fields changed in the form differ from it as it was read. The cluster checks it in a dry run first, then shows the changes.",
};
