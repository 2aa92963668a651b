package io.wgfleet.lab;

import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.agent.exec.NamespaceCommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One lab "node": a network namespace with a private /run/wireguard, optionally running
 * wireguard-go. Commands run through a {@link NamespaceCommandRunner}, the same seam the agent
 * uses, so {@link #runner()} can be handed to a NodeAgent as is.
 */
public final class LabNode {

    private final LabNetwork lab;
    public final String name;
    public final String namespace;
    private final Path runDir;
    private final NamespaceCommandRunner runner;
    private final List<WireGuard> wireguards = new ArrayList<>();
    private Path etcNetns;
    private boolean createdEtcNetns;

    /** A running wireguard-go: the interface, its pid, the process started for it, and its public key. */
    public record WireGuard(String ifname, long pid, Process process, String publicKey, int listenPort) {
    }

    LabNode(LabNetwork lab, String name, String namespace) {
        this.lab = lab;
        this.name = name;
        this.namespace = namespace;
        this.runDir = lab.dir.resolve("run").resolve(name);
        this.runner = new NamespaceCommandRunner(namespace, runDir, lab.host);
    }

    void create() {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        lab.must("ip", "netns", "add", namespace);
        lab.must("ip", "-n", namespace, "link", "set", "lo", "up");
    }

    /** The directory mounted over /run/wireguard for this node's commands. */
    public Path runDir() {
        return runDir;
    }

    public CommandRunner runner() {
        return runner;
    }

    /** Runs a command in the namespace and fails on a non-zero exit. */
    public String exec(String... argv) {
        CommandResult r = runner.run(List.of(argv), LabNetwork.TIMEOUT);
        if (!r.succeeded()) {
            throw new IllegalStateException(namespace + ": " + String.join(" ", argv) + ": " + r.firstErrorLine());
        }
        return r.stdout();
    }

    /** Runs a command in the namespace, feeding stdin, and fails on a non-zero exit. */
    public String execWithInput(String stdin, String... argv) {
        CommandResult r = runner.run(List.of(argv), stdin, LabNetwork.TIMEOUT);
        if (!r.succeeded()) {
            throw new IllegalStateException(namespace + ": " + String.join(" ", argv) + ": " + r.firstErrorLine());
        }
        return r.stdout();
    }

    /** Runs a command in the namespace; the result, whatever it is. */
    public CommandResult tryExec(String... argv) {
        return runner.run(List.of(argv), LabNetwork.TIMEOUT);
    }

    /**
     * Starts wireguard-go for a new interface with a fresh key (written to a 0600 file, never
     * printed), the listen port and tunnel address given, and brings it up.
     *
     * <p>Per the lab rules: foreground (-f), started with setsid, stdio to a log file, no other
     * inherited descriptors (Java closes them in the child), pid written right before exec.
     */
    public WireGuard startWireGuard(String ifname, int listenPort, String tunnelCidr) throws IOException, InterruptedException {
        Path log = lab.dir.resolve(name + "-" + ifname + ".log");
        Path pidFile = runDir.resolve(ifname + ".pid");
        Path sock = runDir.resolve(ifname + ".sock");
        ProcessBuilder pb = new ProcessBuilder("setsid", "ip", "netns", "exec", namespace, "sh", "-c",
                "mount --bind \"$0\" /run/wireguard || exit 1; echo $$ > \"$0/$1.pid\"; "
                        + "exec env WG_PROCESS_FOREGROUND=1 LOG_LEVEL=error wireguard-go -f \"$1\"",
                runDir.toString(), ifname);
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(sock) && Files.exists(pidFile) && Files.size(pidFile) > 0)) {
            // not p.isAlive(): setsid may fork, and then the started process ends at once
            if (System.nanoTime() > deadline) {
                p.destroy();
                throw new IllegalStateException("wireguard-go for " + namespace + "/" + ifname + " did not come up; see " + log);
            }
            Thread.sleep(20);
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Path keyFile = runDir.resolve(ifname + ".key");
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String privateKey = exec("wg", "genkey");
        Files.writeString(keyFile, privateKey, StandardCharsets.US_ASCII);
        String pub = execWithInput(privateKey, "wg", "pubkey").strip();
        WireGuard wg = new WireGuard(ifname, pid, p, pub, listenPort);
        wireguards.add(wg);
        exec("wg", "set", ifname, "private-key", keyFile.toString(), "listen-port", Integer.toString(listenPort));
        exec("ip", "addr", "add", tunnelCidr, "dev", ifname);
        exec("ip", "link", "set", ifname, "up");
        return wg;
    }

    /** Removes every peer of an interface (fresh sessions, zero counters). */
    public void clearPeers(String ifname) {
        for (String peer : exec("wg", "show", ifname, "peers").split("\n")) {
            if (!peer.isBlank()) {
                exec("wg", "set", ifname, "peer", peer.strip(), "remove");
            }
        }
    }

    /** Writes this namespace's own /etc/hosts (ip netns exec bind-mounts /etc/netns/NS/hosts). */
    public void hosts(String content) throws IOException {
        etcNetns = Path.of("/etc/netns", namespace);
        createdEtcNetns |= !Files.isDirectory(etcNetns.getParent());
        Files.createDirectories(etcNetns);
        Files.writeString(etcNetns.resolve("hosts"), content);
    }

    /** Tears this node down; returns what could not be removed. */
    List<String> destroy() {
        List<String> problems = new ArrayList<>();
        for (WireGuard wg : wireguards) {
            // deleting the TUN makes wireguard-go exit by itself and remove its socket
            lab.host.run(List.of("ip", "-n", namespace, "link", "del", wg.ifname()), LabNetwork.TIMEOUT);
            if (!waitGone(wg, 5000)) {
                LabNetwork.LOG.warning(namespace + "/" + wg.ifname() + " pid " + wg.pid() + " still alive after link del, SIGTERM");
                signal(wg, "TERM");
                if (!waitGone(wg, 3000)) {
                    signal(wg, "KILL");
                    if (!waitGone(wg, 2000)) {
                        problems.add("wireguard-go pid " + wg.pid() + " did not exit");
                    }
                }
            }
            try {
                wg.process().waitFor(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        wireguards.clear();
        CommandResult del = lab.host.run(List.of("ip", "netns", "del", namespace), LabNetwork.TIMEOUT);
        if (!del.succeeded() && !del.stderr().contains("No such file")) {
            problems.add("netns " + namespace + ": " + del.firstErrorLine());
        }
        if (etcNetns != null) {
            try {
                Files.deleteIfExists(etcNetns.resolve("hosts"));
                Files.deleteIfExists(etcNetns);
                if (createdEtcNetns) {
                    // only when this node created it, and only if nobody else put anything there since
                    try (var left = Files.list(etcNetns.getParent())) {
                        if (left.findAny().isEmpty()) {
                            Files.deleteIfExists(etcNetns.getParent());
                        }
                    }
                }
            } catch (IOException e) {
                problems.add(etcNetns + ": " + e.getMessage());
            }
            etcNetns = null;
        }
        return problems;
    }

    /** Only our own pid, and only while it is still a wireguard-go (pids get reused). */
    private static boolean isWireGuardGo(long pid) {
        try {
            String comm = Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return comm.equals("wireguard-go") && state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean waitGone(WireGuard wg, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (isWireGuardGo(wg.pid())) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !isWireGuardGo(wg.pid());
            }
        }
        return true;
    }

    private void signal(WireGuard wg, String sig) {
        if (isWireGuardGo(wg.pid())) {
            lab.host.run(List.of("kill", "-" + sig, Long.toString(wg.pid())), LabNetwork.TIMEOUT);
        }
    }
}
