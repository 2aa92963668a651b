package io.wgfleet.agent.exec;

import java.time.Duration;
import java.util.List;

/**
 * The one seam through which the agent touches the node: every command and every
 * {@code /proc} read goes through it, so a test can replay recorded outputs and a lab
 * can run the same agent inside a network namespace.
 */
public interface CommandRunner {

    /** Runs argv (no shell) and returns what it printed. Never throws for a non-zero exit. */
    default CommandResult run(List<String> argv, Duration timeout) {
        return run(argv, null, timeout);
    }

    /** As {@link #run(List, Duration)}, with text fed to the command's standard input (null: none). */
    CommandResult run(List<String> argv, String stdin, Duration timeout);
}
