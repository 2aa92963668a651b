package io.wgfleet.agent.exec;

/**
 * What a command printed and how it ended.
 *
 * @param exitCode the exit status; {@link #NOT_FOUND} when the executable does not exist
 * @param timedOut true when the command was killed after its timeout
 */
public record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {

    /** The shell's convention for "command not found", used when the executable is missing. */
    public static final int NOT_FOUND = 127;
    /** The shell's convention for "found but cannot be executed" (execve refused it). */
    public static final int CANNOT_EXECUTE = 126;

    public static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "", false);
    }

    public static CommandResult failed(int exitCode, String stderr) {
        return new CommandResult(exitCode, "", stderr, false);
    }

    public static CommandResult notFound(String executable) {
        return new CommandResult(NOT_FOUND, "", executable + ": command not found", false);
    }

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    public boolean commandMissing() {
        return exitCode == NOT_FOUND;
    }

    /** First non-blank line of stderr, for error messages (stdout is never quoted: it may be large). */
    public String firstErrorLine() {
        if (timedOut) {
            return "timed out";
        }
        for (String line : stderr.split("\n")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "exit status " + exitCode;
    }
}
