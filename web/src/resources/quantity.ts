// Whether a string is a Kubernetes quantity, as the member's decoding reads
// one (parseQuantityString of k8s.io/apimachinery/pkg/api/resource/
// quantity.go): not empty; a sign, digits, a point and digits, each optional
// (so "Gi" and "." decode, as zero, and are refused by the validation after);
// then one suffix: a binary SI one (Ki … Ei), a decimal SI one (n, u, m,
// none, k, M, G, T, P, E; suffix.go) or a decimal exponent (e or E and an
// integer). A malformed one is refused by the decoding as a whole request,
// with no field named, so a form checks it before sending.
const QUANTITY = /^[+-]?\d*(?:\.\d*)?(?:[KMGTPE]i|[numkMGTPE]?|[eE][+-]?\d+)$/;

export const isQuantity = (s: string): boolean => s !== "" && QUANTITY.test(s);
