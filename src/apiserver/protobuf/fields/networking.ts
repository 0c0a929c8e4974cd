// Protobuf field tables for networking/v1, as data (see ../schema.ts for the notation).
// Field numbers, JSON names, omitempty and pointer-ness are facts of the Kubernetes wire format,
// read from the k8s.io/api and k8s.io/apimachinery v0.32 Go types (their json and protobuf tags).
import type { PackageTable } from "../schema.ts";

export const NETWORKING_V1: PackageTable = {
  id: "networking/v1",
  apiVersion: "networking.k8s.io/v1",
  kinds: ["Ingress", "IngressClass", "NetworkPolicy"],
  messages: {
    HTTPIngressPath: ["1:path:s:o 3:pathType:s:p 2:backend:IngressBackend"],
    HTTPIngressRuleValue: ["1:paths:HTTPIngressPath:r"],
    IPBlock: ["1:cidr:s 2:except:s:or"],
    Ingress: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:IngressSpec:o 3:status:IngressStatus:o"],
    IngressBackend: ["4:service:IngressServiceBackend:op 3:resource:core/v1.TypedLocalObjectReference:op"],
    IngressClass: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:IngressClassSpec:o"],
    IngressClassParametersReference: ["1:apiGroup:s:op 2:kind:s 3:name:s 4:scope:s:p 5:namespace:s:op"],
    IngressClassSpec: ["1:controller:s:o 2:parameters:IngressClassParametersReference:op"],
    IngressLoadBalancerIngress: ["1:ip:s:o 2:hostname:s:o 4:ports:IngressPortStatus:or"],
    IngressLoadBalancerStatus: ["1:ingress:IngressLoadBalancerIngress:or"],
    IngressPortStatus: ["1:port:i32 2:protocol:s 3:error:s:op"],
    IngressRule: ["1:host:s:o 2::IngressRuleValue:i"],
    IngressRuleValue: ["1:http:HTTPIngressRuleValue:op"],
    IngressServiceBackend: ["1:name:s 2:port:ServiceBackendPort:o"],
    IngressSpec: [
      "4:ingressClassName:s:op 1:defaultBackend:IngressBackend:op 2:tls:IngressTLS:or",
      "3:rules:IngressRule:or",
    ],
    IngressStatus: ["1:loadBalancer:IngressLoadBalancerStatus:o"],
    IngressTLS: ["1:hosts:s:or 2:secretName:s:o"],
    NetworkPolicy: ["1:metadata:meta/v1.ObjectMeta:o 2:spec:NetworkPolicySpec:o"],
    NetworkPolicyEgressRule: ["1:ports:NetworkPolicyPort:or 2:to:NetworkPolicyPeer:or"],
    NetworkPolicyIngressRule: ["1:ports:NetworkPolicyPort:or 2:from:NetworkPolicyPeer:or"],
    NetworkPolicyPeer: [
      "1:podSelector:meta/v1.LabelSelector:op 2:namespaceSelector:meta/v1.LabelSelector:op",
      "3:ipBlock:IPBlock:op",
    ],
    NetworkPolicyPort: ["1:protocol:s:op 2:port:@IntOrString:op 3:endPort:i32:op"],
    NetworkPolicySpec: [
      "1:podSelector:meta/v1.LabelSelector 2:ingress:NetworkPolicyIngressRule:or",
      "3:egress:NetworkPolicyEgressRule:or 4:policyTypes:s:or",
    ],
    ServiceBackendPort: ["1:name:s:o 2:number:i32:o"],
  },
};
