package io.wgfleet.agent;

/** The agent cannot do its job at all; {@link #exitCode()} is what the process exits with. */
public class AgentException extends Exception {

    /** Bad command-line arguments. */
    public static final int BAD_ARGS = 2;
    /** A required tool is missing, or the agent lacks the privilege to use it. */
    public static final int NODE_ACCESS = 3;
    /** The API server is unreachable, or refuses the agent. */
    public static final int API_ACCESS = 4;

    private final int exitCode;

    public AgentException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public AgentException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
