package io.wgfleet.diagnosis;

import io.wgfleet.diagnosis.NodeFacts.Arrivals;
import io.wgfleet.diagnosis.NodeFacts.FirewallRule;
import io.wgfleet.diagnosis.NodeFacts.ProvokedHandshake;
import io.wgfleet.diagnosis.NodeFacts.Peer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the engine words what it saw and what to run: the evidence lines every check shares
 * (a peer entry, a provoked handshake, an arrivals count, a firewall rule) and the commands
 * that undo a fault. Checks word their own conclusion and use these for the rest.
 */
final class Wording {
    private Wording() {
    }

    /** A peer entry as {@code wg show} reports it: handshake age, counters, endpoint, keepalive. */
    static String peerEntry(Side s) {
        Peer p = s.peer;
        long latest = Values.orZero(p.latestHandshake());
        String when;
        if (latest <= 0) {
            when = "never";
        } else if (s.facts.collectionTime() != null) {
            when = Math.max(0, s.facts.collectionTime().getEpochSecond() - latest) + " s before collection";
        } else {
            when = "at " + latest;
        }
        return s.node + " " + s.ifName() + " peer " + Keys.prefix(p.publicKey()) + ": latest handshake " + when + ", rx "
                + Values.orZero(p.rxBytes()) + " B, tx " + Values.orZero(p.txBytes()) + " B, endpoint "
                + Values.orDefault(p.endpoint(), "(none)") + ", keepalive "
                + keepalive(p.persistentKeepalive() == null ? 0 : p.persistentKeepalive());
    }

    /** What a provoked handshake did. */
    static String probe(Side s) {
        ProvokedHandshake p = s.probe;
        if (p.error() != null) {
            return s.node + " handshake probe could not run: " + p.error();
        }
        // seconds before collection rather than a formatted timestamp: shorter to read, and formatting is costly per peer
        String when = p.provokedAt() != null && s.facts.collectionTime() != null
                ? " " + (s.facts.collectionTime().getEpochSecond() - p.provokedAt().getEpochSecond()) + " s before collection" : "";
        return s.node + " provoked a handshake towards " + Values.orDefault(p.target(), "the tunnel") + when
                + ": waited " + Values.orZero(p.waitedMillis()) + " ms, tx +" + Values.orZero(p.txDelta()) + " B, rx +"
                + Values.orZero(p.rxDelta()) + " B, handshake "
                + (Boolean.TRUE.equals(p.handshakeCompleted()) ? "completed" : "not completed")
                + (p.replied() == null ? "" : Boolean.TRUE.equals(p.replied()) ? ", ping answered" : ", ping unanswered")
                + escalation(p);
    }

    /** What keeping a young session provoked cost and showed; empty when the agent did not. */
    static String escalation(ProvokedHandshake p) {
        if (p.escalatedMillis() == null) {
            return "";
        }
        String seen = p.initiationsSent() == null ? "initiations not countable in tx"
                : p.initiationsSent() == 0 ? "no re-initiation seen"
                : p.initiationsSent() + " initiation" + (p.initiationsSent() == 1 ? "" : "s") + " of 148 B sent";
        return "; the session was young, so the agent kept provoking " + p.escalatedMillis()
                + " ms beyond its first window for WireGuard to re-initiate (KEEPALIVE_TIMEOUT + REKEY_TIMEOUT): " + seen
                + (Boolean.TRUE.equals(p.handshakeCompleted()) ? ", a handshake completed"
                : Values.orZero(p.rxDelta()) % Side.INITIATION != 0 ? ", rx +" + p.rxDelta() + " B"
                : Values.orZero(p.rxDelta()) > 0 ? ", nothing answered them (only the remote's own "
                + p.rxDelta() / Side.INITIATION + " initiation(s) of 148 B arrived, and WireGuard's answers to them completed nothing)"
                : ", nothing answered");
    }

    /** A Don't-Fragment search: the sizes, its controls and what they prove. */
    static String mtuSearch(NodeFacts.MtuProbe m) {
        String sizes = "DF ping payloads tried " + m.triedPayloads() + " to " + Values.orDefault(m.target(), "the tunnel");
        if (m.pathLost()) {
            if (m.smallestFailingPayload() == null) {
                // every size passed, and the largest failed when the agent sent it again at the window's end
                return sizes + ": every size passed, but " + m.controlPayload() + " B sent again at the end of the probe window"
                        + " got no reply (twice), so the path itself was lost within the window";
            }
            return sizes + ": the control of " + m.controlPayload() + " B failed beside " + m.smallestFailingPayload()
                    + " B or on its repeat at the end of the probe window, so the path itself was lost during the search"
                    + " and the failures say nothing about size";
        }
        if (Boolean.FALSE.equals(m.failureConfirmed())) {
            return sizes + ": " + m.smallestFailingPayload() + " B failed once but not consistently (passed on retest, or a smaller size failed), so it was a lost packet, not a size limit";
        }
        if (m.rxDelta() != null && m.rxDelta() <= 0) {
            return sizes + ": no byte arrived from the peer during the search although the controls passed, so the failures are not proven";
        }
        if (!m.limitProven()) {
            return sizes + ": the failures carry no passing control (an agent before 0.2.0), so they are not proven";
        }
        return sizes + ": " + m.largestPassingPayload() + " B passes, " + m.smallestFailingPayload() + " B fails twice, the control "
                + m.controlPayload() + " B passing beside it each time" + (m.rxDelta() != null ? ", rx +" + m.rxDelta() + " B during the search" : "");
    }

    /** The packets counted on side s's listen port, or "not counted". */
    static String arrivals(Side s) {
        Arrivals a = s.arrivals();
        return a == null ? "not counted" : Values.orZero(a.packets()) + " packets in " + Values.orZero(a.windowMillis()) + " ms";
    }

    /** A firewall rule as its backend names it. */
    static String ruleName(FirewallRule r) {
        if (isIptables(r)) {
            return iptablesTool(r) + " rule " + Values.orDefault(r.chain(), "?") + " #" + (r.handle() == null ? "?" : r.handle())
                    + (r.table() != null ? " in table " + r.table() : "");
        }
        return Values.orDefault(r.backend(), "nftables") + " rule " + Values.orDefault(r.family(), "?") + " "
                + Values.orDefault(r.table(), "?") + " " + Values.orDefault(r.chain(), "?") + " handle "
                + (r.handle() == null ? "?" : r.handle());
    }

    /** The command that deletes the rule. */
    static String deleteRuleCommand(FirewallRule r) {
        if (isIptables(r)) {
            return iptablesTool(r) + (r.table() != null ? " -t " + r.table() : "") + " -D " + Values.orDefault(r.chain(), "INPUT") + " "
                    + (r.handle() == null ? "<position>" : r.handle());
        }
        return "nft delete rule " + Values.orDefault(r.family(), "inet") + " " + Values.orDefault(r.table(), "<table>") + " "
                + Values.orDefault(r.chain(), "<chain>") + " handle " + (r.handle() == null ? "<handle>" : r.handle());
    }

    /** The command that accepts WireGuard's port before the rule: at the head of the rule's own chain. */
    static String acceptPortCommand(FirewallRule r, int port) {
        if (isIptables(r)) {
            return iptablesTool(r) + (r.table() != null ? " -t " + r.table() : "") + " -I " + Values.orDefault(r.chain(), "INPUT")
                    + " -p udp --dport " + port + " -j ACCEPT";
        }
        return "nft insert rule " + Values.orDefault(r.family(), "inet") + " " + Values.orDefault(r.table(), "filter") + " "
                + Values.orDefault(r.chain(), "input") + " udp dport " + port + " accept";
    }

    private static boolean isIptables(FirewallRule r) {
        return r.backend() != null && r.backend().toLowerCase(Locale.ROOT).startsWith("iptables");
    }

    /**
     * The tool that sees the rule: iptables-legacy and iptables-nft keep separate rulesets, and
     * plain {@code iptables} is whichever the system's alternative points at (on Debian and
     * Ubuntu iptables-nft), so a legacy rule is deleted only by iptables-legacy. A report of an
     * agent that did not tell the backend says plain "iptables".
     */
    private static String iptablesTool(FirewallRule r) {
        String base = "ip6".equals(r.family()) ? "ip6tables" : "iptables";
        String backend = r.backend().toLowerCase(Locale.ROOT);
        return backend.equals("iptables-legacy") ? base + "-legacy" : backend.equals("iptables-nft") ? base + "-nft" : base;
    }

    /** A keepalive setting: "off" or "25 s". */
    static String keepalive(int seconds) {
        return seconds <= 0 ? "off" : seconds + " s";
    }

    /** "a, b, c". */
    static String join(List<?> xs) {
        StringBuilder sb = new StringBuilder();
        for (Object x : xs) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(x);
        }
        return sb.toString();
    }

    /** "a,b,c", as wg's allowed-ips argument. */
    static String joinComma(List<?> xs) {
        return join(xs).replace(", ", ",");
    }

    /** The lines in order, each once. */
    static List<String> dedupe(List<String> xs) {
        List<String> out = new ArrayList<>(xs.size());
        for (String x : xs) {
            if (!out.contains(x)) {
                out.add(x);
            }
        }
        return out;
    }
}
