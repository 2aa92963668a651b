package io.wgfleet.diagnosis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Test facts shaped like the lab's measured outputs (docs/wireguard.md): client wgc (192.0.2.2, tunnel
 * 10.77.0.2) initiates to server wgs (192.0.2.1:51820, tunnel 10.77.0.1). Starts healthy;
 * each test breaks one thing. Keys are random test keys, never real ones.
 */
final class Lab {
    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    static final Instant COLLECTED = NOW.minusSeconds(20);
    static final long COLLECTED_S = COLLECTED.getEpochSecond();

    final Random random;
    final String clientKey;
    final String serverKey;
    final Node client;
    final Node server;
    DeclaredPeer clientDecl;
    DeclaredPeer serverDecl;

    Lab() {
        this(42);
    }

    Lab(long seed) {
        random = new Random(seed);
        clientKey = key(random);
        serverKey = key(random);
        client = new Node("wgc", clientKey, 51820, "192.0.2.2/24", "10.77.0.2/24");
        server = new Node("wgs", serverKey, 51820, "192.0.2.1/24", "10.77.0.1/24");
        // client's entry for the server: healthy two-ping exchange
        client.peer = new PeerB(serverKey, "192.0.2.1:51820", List.of("10.77.0.1/32"), COLLECTED_S - 10, 348, 404);
        server.peer = new PeerB(clientKey, "192.0.2.2:51820", List.of("10.77.0.2/32"), COLLECTED_S - 10, 404, 348);
        client.probe = new NodeFacts.ProvokedHandshake("wg0", serverKey, "10.77.0.1", COLLECTED.minusSeconds(8), 150L,
                148L, 92L, true, true, null);
        server.arrivals.add(new NodeFacts.Arrivals(51820, 3L,
                List.of(new NodeFacts.SourceCount("192.0.2.2", 3L, 480L)), 6000L));
        clientDecl = new DeclaredPeer("lab/to-server", "wg0", serverKey, "192.0.2.1:51820", List.of("10.77.0.1/32"),
                null, false, "10.77.0.1");
        serverDecl = new DeclaredPeer("lab/to-client", "wg0", clientKey, null, List.of("10.77.0.2/32"), null, false, null);
    }

    static String key(Random r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** The client's initiations go unanswered: never / rx 0 / tx 148, provoked and waited one REKEY_TIMEOUT. */
    Lab clientGetsNoReply() {
        client.peer.hs = 0;
        client.peer.rx = 0;
        client.peer.tx = 148;
        client.probe = new NodeFacts.ProvokedHandshake("wg0", client.peer.key, "10.77.0.1", COLLECTED.minusSeconds(8), 5300L,
                148L, 0L, false, false, null);
        server.peer.hs = 0;
        server.peer.rx = 0;
        server.peer.tx = 0;
        server.peer.endpoint = null;
        server.arrivals.clear();
        server.arrivals.add(new NodeFacts.Arrivals(51820, 0L, List.of(), 6000L));
        return this;
    }

    /**
     * The young session's probe from the client went unanswered: one ping (128 B of data) out,
     * nothing back, within one REKEY_TIMEOUT, the handshake 10 s old.
     */
    Lab clientProbeUnanswered() {
        client.probe = new NodeFacts.ProvokedHandshake("wg0", serverKey, "10.77.0.1", COLLECTED.minusSeconds(8), 5500L,
                128L, 0L, false, false, null);
        return this;
    }

    /** The server's counter saw the client's initiations. */
    Lab serverCountsArrivals(long packets) {
        server.arrivals.clear();
        server.arrivals.add(new NodeFacts.Arrivals(51820, packets,
                List.of(new NodeFacts.SourceCount("192.0.2.2", packets, packets * 148)), 6000L));
        return this;
    }

    DiagnosisInput clientInFleet() {
        return new DiagnosisInput(clientDecl, "wgc", client.build(), null,
                new DiagnosisInput.RemoteSide(serverDecl, "wgs", server.build(), null), NOW, Duration.ofMinutes(5));
    }

    DiagnosisInput clientOneSided() {
        return DiagnosisInput.oneSided(clientDecl, "wgc", client.build(), NOW, Duration.ofMinutes(5));
    }

    DiagnosisInput serverInFleet() {
        return new DiagnosisInput(serverDecl, "wgs", server.build(), null,
                new DiagnosisInput.RemoteSide(clientDecl, "wgc", client.build(), null), NOW, Duration.ofMinutes(5));
    }

    Diagnosis diagnoseClient() {
        return DiagnosisEngine.diagnose(clientInFleet());
    }

    static DeclaredPeer withEndpoint(DeclaredPeer d, String endpoint) {
        return new DeclaredPeer(d.id(), d.interfaceName(), d.publicKey(), endpoint, d.allowedIPs(), d.persistentKeepalive(),
                d.presharedKeyExpected(), d.probeAddress());
    }

    static DeclaredPeer withKey(DeclaredPeer d, String key) {
        return new DeclaredPeer(d.id(), d.interfaceName(), key, d.endpoint(), d.allowedIPs(), d.persistentKeepalive(),
                d.presharedKeyExpected(), d.probeAddress());
    }

    static DeclaredPeer withKeepalive(DeclaredPeer d, Integer keepalive) {
        return new DeclaredPeer(d.id(), d.interfaceName(), d.publicKey(), d.endpoint(), d.allowedIPs(), keepalive,
                d.presharedKeyExpected(), d.probeAddress());
    }

    static DeclaredPeer withPsk(DeclaredPeer d) {
        return new DeclaredPeer(d.id(), d.interfaceName(), d.publicKey(), d.endpoint(), d.allowedIPs(), d.persistentKeepalive(),
                true, d.probeAddress());
    }

    /** Mutable node facts; {@link #build()} freezes them. */
    static final class Node {
        final String name;
        String ifName = "wg0";
        String publicKey;
        Integer listenPort;
        Boolean bound = true;
        Integer mtu = 1420;
        Boolean up = true;
        final List<String> tunnelAddresses = new ArrayList<>();
        final List<NodeFacts.Address> addresses = new ArrayList<>();
        PeerB peer;
        NodeFacts.ProvokedHandshake probe;
        Instant collected = COLLECTED;
        final List<NodeFacts.Route> routes = new ArrayList<>();
        final List<NodeFacts.FirewallRule> firewall = new ArrayList<>();
        final List<NodeFacts.Arrivals> arrivals = new ArrayList<>();
        final List<NodeFacts.Dns> dns = new ArrayList<>();
        final List<NodeFacts.MtuProbe> mtuProbes = new ArrayList<>();
        final List<NodeFacts.Nat> nat = new ArrayList<>();
        final List<NodeFacts.CollectionError> errors = new ArrayList<>();
        boolean hasInterface = true;

        Node(String name, String publicKey, int listenPort, String outer, String tunnel) {
            this.name = name;
            this.publicKey = publicKey;
            this.listenPort = listenPort;
            tunnelAddresses.add(tunnel);
            addresses.add(new NodeFacts.Address("lo", "127.0.0.1/8"));
            addresses.add(new NodeFacts.Address("eth0", outer));
            addresses.add(new NodeFacts.Address("wg0", tunnel));
        }

        /** Renumbers the outer address (eth0). */
        void outerAddress(String cidr) {
            addresses.removeIf(a -> "eth0".equals(a.interfaceName()));
            addresses.add(new NodeFacts.Address("eth0", cidr));
        }

        NodeFacts build() {
            List<NodeFacts.Interface> ifs = new ArrayList<>();
            if (hasInterface) {
                List<NodeFacts.Peer> peers = new ArrayList<>();
                if (peer != null) {
                    peers.add(peer.build());
                }
                ifs.add(new NodeFacts.Interface(ifName, publicKey, listenPort, bound, tunnelAddresses, mtu, up, peers));
            }
            List<NodeFacts.ProvokedHandshake> probes = probe == null ? List.of() : List.of(probe);
            return new NodeFacts(name, collected, ifs, addresses, routes, firewall, arrivals, dns, probes, mtuProbes, nat,
                    errors, List.of());
        }
    }

    /** Mutable peer line of wg show dump. */
    static final class PeerB {
        String key;
        String endpoint;
        List<String> allowed;
        long hs;
        long rx;
        long tx;
        Integer keepalive;
        String psk;

        PeerB(String key, String endpoint, List<String> allowed, long hs, long rx, long tx) {
            this.key = key;
            this.endpoint = endpoint;
            this.allowed = allowed;
            this.hs = hs;
            this.rx = rx;
            this.tx = tx;
        }

        NodeFacts.Peer build() {
            return new NodeFacts.Peer(key, endpoint, allowed, hs, rx, tx, keepalive, psk);
        }
    }
}
