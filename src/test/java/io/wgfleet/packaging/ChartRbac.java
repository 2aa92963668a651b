package io.wgfleet.packaging;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The RBAC the chart grants, as helm template renders it: for one service account, which rules apply
 * where, evaluated the way the API server's RBAC authorizer does (no wildcards are used
 * in the chart, so none are supported).
 */
final class ChartRbac {

    static final String NAMESPACE = InstallManifests.NAMESPACE;

    /** A rule of a role, and the namespace it is granted in (null: everywhere, via a ClusterRoleBinding). */
    record Grant(String role, PolicyRule rule, String namespace) {
        boolean allows(ApiCall call) {
            return rule.getApiGroups().contains(call.group())
                    && rule.getResources().contains(call.resource())
                    && rule.getVerbs().contains(call.verb())
                    && (namespace == null || namespace.equals(call.namespace()));
        }

        /** Each verb of the rule as "role: group/resource verb". */
        List<String> permissions() {
            List<String> out = new ArrayList<>();
            for (String g : rule.getApiGroups()) {
                for (String r : rule.getResources()) {
                    for (String v : rule.getVerbs()) {
                        out.add(role + ": " + (g.isEmpty() ? "core" : g) + "/" + r + " " + v);
                    }
                }
            }
            return out;
        }

        String permission(ApiCall call) {
            return role + ": " + (call.group().isEmpty() ? "core" : call.group()) + "/" + call.resource() + " " + call.verb();
        }
    }

    private final List<HasMetadata> objects = new ArrayList<>();

    /** The chart's RBAC templates rendered by helm with the defaults (leader election on). */
    ChartRbac() {
        for (HelmChart.Document d : HelmChart.template(HelmChart.defaultValues(), NAMESPACE)) {
            if (List.of("rbac-operator.yaml", "rbac-agent.yaml").contains(d.template())) {
                objects.add(Serialization.unmarshal(d.text(), HasMetadata.class));
            }
        }
    }

    /** Every grant to the service account, through ClusterRoleBindings and RoleBindings. */
    List<Grant> grantsTo(String serviceAccount) {
        List<Grant> out = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof ClusterRoleBinding b && boundTo(b.getSubjects(), serviceAccount)) {
                clusterRole(b.getRoleRef().getName()).getRules().forEach(r -> out.add(new Grant(b.getRoleRef().getName(), r, null)));
            } else if (o instanceof RoleBinding b && boundTo(b.getSubjects(), serviceAccount)) {
                String ns = b.getMetadata().getNamespace();
                if (b.getRoleRef().getKind().equals("ClusterRole")) {
                    clusterRole(b.getRoleRef().getName()).getRules().forEach(r -> out.add(new Grant(b.getRoleRef().getName(), r, ns)));
                } else {
                    role(b.getRoleRef().getName(), ns).getRules().forEach(r -> out.add(new Grant(b.getRoleRef().getName(), r, ns)));
                }
            }
        }
        return out;
    }

    /** The calls no grant allows. */
    static Set<ApiCall> denied(Collection<ApiCall> calls, List<Grant> grants) {
        Set<ApiCall> out = new LinkedHashSet<>();
        for (ApiCall c : calls) {
            if (grants.stream().noneMatch(g -> g.allows(c))) {
                out.add(c);
            }
        }
        return out;
    }

    /** The granted permissions (role: group/resource verb) that no call used. */
    static Set<String> unused(Collection<ApiCall> calls, List<Grant> grants) {
        Set<String> out = new LinkedHashSet<>();
        grants.forEach(g -> out.addAll(g.permissions()));
        for (ApiCall c : calls) {
            grants.stream().filter(g -> g.allows(c)).forEach(g -> out.remove(g.permission(c)));
        }
        return out;
    }

    private static boolean boundTo(List<Subject> subjects, String serviceAccount) {
        return subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind()) && serviceAccount.equals(s.getName())
                && NAMESPACE.equals(s.getNamespace()));
    }

    private ClusterRole clusterRole(String name) {
        return objects.stream().filter(o -> o instanceof ClusterRole && o.getMetadata().getName().equals(name))
                .map(ClusterRole.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("a binding refers to ClusterRole " + name + ", which the chart does not define"));
    }

    private Role role(String name, String namespace) {
        return objects.stream().filter(o -> o instanceof Role && o.getMetadata().getName().equals(name)
                        && namespace.equals(o.getMetadata().getNamespace()))
                .map(Role.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("a binding refers to Role " + namespace + "/" + name + ", which the chart does not define"));
    }
}
