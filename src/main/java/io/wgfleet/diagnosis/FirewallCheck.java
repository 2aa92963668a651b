package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.FirewallRule;

import java.util.List;

/** The firewall layer: a rule on either end drops or rejects UDP to WireGuard's listen port (UDPPortBlocked). */
final class FirewallCheck implements LayerCheck {

    @Override
    public void check(Tunnel t, Findings found) {
        for (Side s : t.sides()) {
            int port = s.listenPort();
            if (port <= 0) {
                continue;
            }
            for (FirewallRule r : s.facts.firewallRules()) {
                if (r.port() == null || r.port() != port || "accept".equalsIgnoreCase(r.verdict())) {
                    continue;
                }
                String where = Wording.ruleName(r);
                boolean reject = "reject".equalsIgnoreCase(r.verdict());
                String packets = s == t.responder ? "initiations to it" : "the responses to it";
                // a reject is no silence: the sender gets an ICMP error (port unreachable unless the rule
                // names another), which WireGuard ignores, so its handshake fails just the same
                String effect = reject ? "answers " + packets + " with an ICMP error (" + rejectType(r)
                        + ") instead of passing them to WireGuard, which ignores such errors: the handshake fails as with a drop"
                        : "so " + packets + " never reach WireGuard";
                found.add(Reason.UDPPortBlocked, where + " on " + s.label() + " " + (r.verdict() == null ? "blocks" : r.verdict() + "s")
                                + " UDP to port " + port + " (" + s.ifName() + "'s listen port), " + (reject ? "and " : "") + effect
                                + (r.rule() != null ? ": `" + r.rule() + "`" : "")
                                + (r.packets() != null ? " (its counter: " + r.packets() + " packets when read, before the agent's probes)" : ""),
                        List.of(where + " on " + s.node + (r.rule() != null ? ": " + r.rule() : "")
                                + (r.packets() != null ? ", counter " + r.packets() + " packets before the probes" : "")),
                        List.of("Remove or narrow the rule on " + s.node + ": " + Wording.deleteRuleCommand(r),
                                "Or accept WireGuard before it: " + Wording.acceptPortCommand(r, port),
                                "Persist the change where the ruleset is managed (nftables.conf, /etc/iptables/rules.v4, firewalld, ufw)"),
                        t.blocking());
            }
        }
    }

    /** The ICMP error a reject rule sends, as far as its text names it. */
    private static String rejectType(FirewallRule r) {
        String rule = r.rule() == null ? "" : r.rule();
        int at = rule.indexOf("--reject-with ");
        if (at >= 0) {
            return rule.substring(at + "--reject-with ".length()).split("\\s+")[0];
        }
        at = rule.indexOf("reject with ");
        if (at >= 0) {
            return rule.substring(at + "reject with ".length()).replaceAll("\\s+(counter|comment).*$", "").strip();
        }
        return "port unreachable";
    }
}
