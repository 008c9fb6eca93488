/** ClusterRole rules as in rbac.authorization.k8s.io/v1; the emulator enforces them when given. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export function allows(rules: PolicyRule[], verb: string, group: string, resource: string): boolean {
  return rules.some(
    (rule) =>
      (rule.apiGroups.includes('*') || rule.apiGroups.includes(group)) &&
      (rule.resources.includes('*') || rule.resources.includes(resource)) &&
      (rule.verbs.includes('*') || rule.verbs.includes(verb)),
  );
}
