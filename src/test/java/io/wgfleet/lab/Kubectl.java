package io.wgfleet.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Real kubectl against a lab API server, as the scenarios and the strict-server tests run it. */
public final class Kubectl {

    private Kubectl() {
    }

    /**
     * Runs {@code kubectl --kubeconfig KUBECONFIG ARGS} with {@code stdin} (or none) and returns
     * its output; a non-zero exit is thrown with that output.
     */
    public static String run(Path kubeconfig, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("kubectl " + String.join(" ", args) + ": " + out.strip());
        }
        return out;
    }
}
