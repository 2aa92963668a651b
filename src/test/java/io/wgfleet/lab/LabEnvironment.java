package io.wgfleet.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Whether this machine can run the namespace lab: root, /dev/net/tun, and the tools. */
public final class LabEnvironment {

    private static final List<String> TOOLS = List.of("ip", "wg", "wireguard-go", "nft", "ping", "setsid");

    private LabEnvironment() {
    }

    /** Null when the lab can run, else why not. */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the lab needs root (network namespaces, nftables), running as " + System.getProperty("user.name");
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "/dev/net/tun is missing (wireguard-go needs a TUN device)";
        }
        for (String tool : TOOLS) {
            if (!onPath(tool)) {
                return tool + " is not installed (apt-get install -y --no-install-recommends wireguard-go wireguard-tools nftables iproute2 iputils-ping)";
            }
        }
        return null;
    }

    /** Scenarios also drive a real kubectl against the lab's API server. */
    public static String scenarioUnavailableReason() {
        String why = unavailableReason();
        if (why == null && !onPath("kubectl")) {
            why = "kubectl is not installed (the scenarios apply and annotate peers with it)";
        }
        return why;
    }

    /** For {@code @EnabledIf} on scenario runs: prints the reason when they cannot run. */
    public static boolean scenariosAvailable() {
        String why = scenarioUnavailableReason();
        if (why != null) {
            System.out.println("[lab] scenarios skipped: " + why);
        }
        return why == null;
    }

    /** For {@code @EnabledIf} on tests that drive a real kubectl: prints the reason when it is missing. */
    public static boolean kubectlAvailable() {
        if (!onPath("kubectl")) {
            System.out.println("[lab] kubectl tests skipped: kubectl is not installed");
            return false;
        }
        return true;
    }

    /** For {@code @EnabledIf}: prints the reason when the lab cannot run, so a skip is never silent. */
    public static boolean available() {
        String why = unavailableReason();
        if (why != null) {
            System.out.println("[lab] skipped: " + why);
        }
        return why == null;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
