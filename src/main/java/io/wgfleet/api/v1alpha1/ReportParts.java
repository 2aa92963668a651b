package io.wgfleet.api.v1alpha1;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A node report too big for one object is stored as several. An API server refuses objects
 * over about 1.5 MiB (etcd's request limit), and a concentrator's thousands of peer lines
 * exceed that. The report named after the node holds everything but the peer lines that do
 * not fit; continuations named {@code NODE.part-K} (K = 1 .. parts-1) hold the rest of the
 * interfaces' peer lines. All carry the same collectionTime; the report's {@code spec.parts}
 * counts the objects. The agent writes the continuations first, the report last, so a
 * reader that sees the report finds its continuations already stored.
 */
public final class ReportParts {

    /** Each object stays under this (JSON of its spec), well below the API server's limit. */
    public static final int BUDGET_BYTES = 768 * 1024;

    private ReportParts() {
    }

    public static String partName(String node, int k) {
        return node + ".part-" + k;
    }

    /** Whether the object is a continuation (its events need no reconcile: the report written after it brings one). */
    public static boolean isContinuation(WireGuardNodeReport r) {
        return r.getSpec() != null && r.getSpec().getPart() != null && r.getSpec().getPart() > 0;
    }

    /**
     * The specs to store: the report first, then its continuations; just the report when it
     * fits. Peer lines keep their order; the report keeps as many as fit after its other facts.
     */
    public static List<WireGuardNodeReportSpec> split(WireGuardNodeReportSpec spec, int budget) {
        spec.setParts(null);
        if (bytes(spec) <= budget) {
            return List.of(spec);
        }
        List<Map.Entry<String, PeerReport>> lines = new ArrayList<>();
        for (InterfaceReport i : spec.getInterfaces()) {
            i.getPeers().forEach(p -> lines.add(Map.entry(i.getName(), p)));
            i.setPeers(new ArrayList<>());
        }
        List<WireGuardNodeReportSpec> out = new ArrayList<>(List.of(spec));
        WireGuardNodeReportSpec current = spec;
        // room for spec.parts, set once the count is known
        spec.setParts(Integer.MAX_VALUE);
        int size = bytes(spec);
        boolean empty = true;
        for (Map.Entry<String, PeerReport> line : lines) {
            int n = bytes(line.getValue()) + 1;
            boolean newInterface = !has(current, line.getKey());
            int wrapper = newInterface ? bytes(bare(line.getKey())) + 1 : 0;
            if (size + wrapper + n > budget && !empty) {
                current = continuation(spec, out.size());
                out.add(current);
                size = bytes(current);
                wrapper = bytes(bare(line.getKey())) + 1;
            }
            if (!has(current, line.getKey())) {
                size += wrapper;
            }
            iface(current, line.getKey()).getPeers().add(line.getValue());
            size += n;
            empty = false;
        }
        spec.setParts(out.size());
        return out;
    }

    /**
     * The whole report: the report's spec with its continuations' peer lines, as one spec
     * (the stored objects are not changed); null while a continuation is missing or belongs
     * to another collection.
     */
    public static WireGuardNodeReportSpec merge(WireGuardNodeReport report, Function<String, WireGuardNodeReport> byName) {
        WireGuardNodeReportSpec main = report.getSpec();
        if (main == null || main.getParts() == null || main.getParts() <= 1) {
            return main;
        }
        Map<String, InterfaceReport> interfaces = new LinkedHashMap<>();
        for (InterfaceReport i : main.getInterfaces()) {
            interfaces.put(i.getName(), copy(i));
        }
        for (int k = 1; k < main.getParts(); k++) {
            WireGuardNodeReport part = byName.apply(partName(report.getMetadata().getName(), k));
            if (part == null || part.getSpec() == null || !Objects.equals(part.getSpec().getPart(), k)
                    || !Objects.equals(part.getSpec().getCollectionTime(), main.getCollectionTime())) {
                return null;
            }
            for (InterfaceReport i : part.getSpec().getInterfaces()) {
                interfaces.computeIfAbsent(i.getName(), name -> {
                    InterfaceReport fresh = new InterfaceReport();
                    fresh.setName(name);
                    return fresh;
                }).getPeers().addAll(i.getPeers());
            }
        }
        WireGuardNodeReportSpec whole = shallowCopy(main);
        whole.setInterfaces(new ArrayList<>(interfaces.values()));
        return whole;
    }

    private static WireGuardNodeReportSpec continuation(WireGuardNodeReportSpec main, int k) {
        WireGuardNodeReportSpec c = new WireGuardNodeReportSpec();
        c.setNodeName(main.getNodeName());
        c.setCollectionTime(main.getCollectionTime());
        c.setAgentVersion(main.getAgentVersion());
        c.setPart(k);
        return c;
    }

    private static boolean has(WireGuardNodeReportSpec spec, String name) {
        return spec.getInterfaces().stream().anyMatch(i -> Objects.equals(i.getName(), name));
    }

    private static InterfaceReport bare(String name) {
        InterfaceReport i = new InterfaceReport();
        i.setName(name);
        return i;
    }

    private static InterfaceReport iface(WireGuardNodeReportSpec spec, String name) {
        for (InterfaceReport i : spec.getInterfaces()) {
            if (Objects.equals(i.getName(), name)) {
                return i;
            }
        }
        InterfaceReport i = new InterfaceReport();
        i.setName(name);
        spec.getInterfaces().add(i);
        return i;
    }

    private static InterfaceReport copy(InterfaceReport i) {
        InterfaceReport c = new InterfaceReport();
        c.setName(i.getName());
        c.setPublicKey(i.getPublicKey());
        c.setListenPort(i.getListenPort());
        c.setFwmark(i.getFwmark());
        c.setUdpSocketBound(i.getUdpSocketBound());
        c.setAddresses(i.getAddresses());
        c.setMtu(i.getMtu());
        c.setUp(i.getUp());
        c.setPeers(new ArrayList<>(i.getPeers()));
        return c;
    }

    private static WireGuardNodeReportSpec shallowCopy(WireGuardNodeReportSpec s) {
        WireGuardNodeReportSpec c = new WireGuardNodeReportSpec();
        c.setNodeName(s.getNodeName());
        c.setCollectionTime(s.getCollectionTime());
        c.setAgentVersion(s.getAgentVersion());
        c.setParts(s.getParts());
        c.setAddresses(s.getAddresses());
        c.setRoutes(s.getRoutes());
        c.setFirewallFindings(s.getFirewallFindings());
        c.setArrivals(s.getArrivals());
        c.setDns(s.getDns());
        c.setHandshakeProbes(s.getHandshakeProbes());
        c.setMtuProbes(s.getMtuProbes());
        c.setNatFindings(s.getNatFindings());
        c.setCollectionErrors(s.getCollectionErrors());
        return c;
    }

    static int bytes(Object o) {
        return Serialization.asJson(o).getBytes(StandardCharsets.UTF_8).length;
    }
}
