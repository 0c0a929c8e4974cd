// 自定义资源页面与"表单编辑已有工作负载"的中文字符串，键与 crs.en.ts 相同。
export const crsZh = {
  title: "自定义资源",
  definitions: "自定义资源定义",
  group: "组",
  kind: "类型",
  scope: "作用域",
  versions: "版本",
  version: "版本",
  objects: "{{kind}} 对象",
  objectsOf: "{{name}} 的对象",
  none: "没有对象",
  noneHelp: "这里还没有 {{kind}}。",
  noCrds: "没有自定义资源定义",
  noCrdsHelp: "此集群没有 CustomResourceDefinition。",
  createYaml: "通过 YAML 创建",
  createTitle: "创建 {{kind}}",
  viewYaml: "查看 YAML",
  editYaml: "编辑 YAML",
  edit: "编辑",
  editTitle: "编辑 {{name}}",
  viewTitle: "{{kind}} {{name}}",
  deleteTitle: "删除 {{name}}？",
  deleteBody: "将从集群中删除 {{kind}} <b>{{name}}</b>。",
  deleted: "已删除 {{name}}",
  wrongKind: "此 YAML 描述的是 {{found}}，而不是 {{kind}}。",
};

export const formEditZh = {
  edit: "编辑",
  title: "编辑 {{name}}",
  crumb: "通过表单编辑",
  reviewHelp: "将写入的对象：只有表单中修改的字段与读取时不同。集群先进行试运行检查，然后显示变更。",
};
