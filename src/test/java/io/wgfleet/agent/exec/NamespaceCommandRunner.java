package io.wgfleet.agent.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every command inside a named network namespace ({@code ip netns exec NS}), optionally
 * with a private directory bind-mounted over {@code /run/wireguard} so that {@code wg show all}
 * sees only that namespace's wireguard-go sockets. {@code ip netns exec} already gives each
 * command its own mount namespace, so the bind mount never leaks to the host.
 */
public final class NamespaceCommandRunner implements CommandRunner {

    private final String namespace;
    private final Path runWireguardDir;
    private final CommandRunner delegate;

    /**
     * @param namespace       a name listed by {@code ip netns list}
     * @param runWireguardDir directory to mount over /run/wireguard, or null to keep the host's
     * @param delegate        runs the wrapped command (normally a {@link ProcessCommandRunner})
     */
    public NamespaceCommandRunner(String namespace, Path runWireguardDir, CommandRunner delegate) {
        this.namespace = namespace;
        this.runWireguardDir = runWireguardDir;
        this.delegate = delegate;
    }

    public String namespace() {
        return namespace;
    }

    /** The argv that actually runs: visible for tests. */
    public List<String> wrap(List<String> argv) {
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        if (runWireguardDir != null) {
            // $0 is the directory, "$@" the command: no quoting of user data inside the script
            wrapped.addAll(List.of("sh", "-c", "mount --bind \"$0\" /run/wireguard && exec \"$@\"",
                    runWireguardDir.toString()));
        }
        wrapped.addAll(argv);
        return wrapped;
    }

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) {
        CommandResult r = delegate.run(wrap(argv), stdin, timeout);
        // `ip netns exec` reports a missing program as 'exec of "X" failed: No such file...'
        // (exit 1 or 255 by version); the shell wrapper as exit 127. All mean "not installed".
        String argv0 = argv.get(0);
        if (r.exitCode() != 0 && (r.stderr().contains("exec of \"" + argv0 + "\" failed: No such file")
                || (r.exitCode() == CommandResult.NOT_FOUND && r.stderr().contains(argv0 + ": not found")))) {
            return CommandResult.notFound(argv0);
        }
        return r;
    }
}
