package io.wgfleet.lab.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A lab scenario: machines, links, the WireGuard configuration of every interface, the
 * WireGuardPeer resources, a sequence of steps (faults, waits, diagnosis requests) and the
 * reason expected on each peer. Keys are never written in a scenario: {@code ${key:NODE/IF}}
 * stands for an interface's public key, {@code ${key:NAME}} for a generated key nobody holds,
 * {@code ${psk:NAME}} for a generated preshared key. {@code expectEvidence} names, per peer,
 * text its root cause's message or evidence must contain (how the reason was proven).
 */
public record Scenario(Path file, String name, String description, List<Machine> machines, List<Link> links,
                       List<Interface> interfaces, List<PeerResource> resources, List<Step> steps,
                       Map<String, String> expect, Map<String, List<String>> expectEvidence) {

    /** A Kubernetes node running the agent, or (external) a WireGuard end outside the fleet. */
    public record Machine(String name, boolean external, Map<String, String> labels, String hosts, int line) {
    }

    public record Link(String a, String addressA, String b, String addressB, Integer mtu, int line) {
    }

    public record Interface(String machine, String name, int listenPort, String address, List<Peer> peers, int line) {
    }

    public record Peer(String publicKey, String endpoint, List<String> allowedIPs, Integer persistentKeepalive,
                       String presharedKey, int line) {
    }

    /** A WireGuardPeer to apply; its spec is kept as parsed YAML, with placeholders. */
    public record PeerResource(String namespace, String name, Map<String, Object> spec, int line) {
    }

    /** One step; {@code machine} is null for steps that are not about one machine. */
    public record Step(Kind kind, String machine, Map<String, Object> args, Duration duration, int line) {
    }

    public enum Kind {
        /** wait a fixed time */
        SLEEP,
        /** ping from a machine (args: to, size?, expect ok|fail) */
        PING,
        /** annotate peers with wgfleet.io/diagnose and wait for the round (args: peers, optional) */
        DIAGNOSE,
        /** wg set on a machine (args: args, a string with placeholders) */
        WG,
        /** load an nft ruleset on a machine (args: ruleset) */
        NFT,
        /**
         * an iptables command on a machine (args: args; backend: nft or legacy for iptables-nft or
         * iptables-legacy instead of the system's alternative; family: ip6 for ip6tables)
         */
        IPTABLES,
        /** set the MTU of the link end facing another machine (args: towards, mtu) */
        LINK_MTU,
        /** replace a machine's /etc/hosts (args: content) */
        HOSTS,
        /** change an address on a machine (args: from, to) */
        RENUMBER,
        /** ip route on a machine (args: args) */
        ROUTE,
        /** take an interface down (args: interface) */
        INTERFACE_DOWN,
        /** delete an interface (args: interface) */
        INTERFACE_DELETE,
        /** a shell command inside a machine (args: command) */
        RUN,
        /**
         * make a machine a masquerading router towards another (args: towards, udpTimeout seconds,
         * ports: keep (Linux's default: the source port when free) or random (a random port per
         * mapping, so each destination sees its own: an endpoint-dependent NAT))
         */
        NAT
    }
}
