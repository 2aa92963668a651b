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
                String role = s == t.responder ? "initiations to it" : "the responses to it";
                found.add(Reason.UDPPortBlocked, where + " on " + s.label() + " " + (r.verdict() == null ? "blocks" : r.verdict() + "s")
                                + " UDP to port " + port + " (" + s.ifName() + "'s listen port), so " + role + " never reach WireGuard"
                                + (r.rule() != null ? ": `" + r.rule() + "`" : "")
                                + (r.packets() != null ? " (" + r.packets() + " packets matched)" : ""),
                        List.of(where + " on " + s.node + (r.rule() != null ? ": " + r.rule() : "")
                                + (r.packets() != null ? ", counter " + r.packets() + " packets" : "")),
                        List.of("Remove or narrow the rule on " + s.node + ": " + Wording.deleteRuleCommand(r),
                                "Or accept WireGuard before it: " + Wording.acceptPortCommand(r, port),
                                "Persist the change where the ruleset is managed (nftables.conf, firewalld, ufw)"),
                        t.blocking());
            }
        }
    }
}
