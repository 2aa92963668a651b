package io.wgfleet.agent.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Replays recorded outputs: each command line (argv joined by single spaces) maps to a
 * result, or to a function of the stdin it receives. Unknown commands answer "command not
 * found", so a test sees exactly which tool the agent would have needed. Every call is
 * recorded, in order, for assertions. Thread-safe: the agent probes peers in parallel.
 */
public final class RecordedCommandRunner implements CommandRunner {

    /** One call the agent made. */
    public record Call(List<String> argv, String stdin) {
        public String commandLine() {
            return String.join(" ", argv);
        }
    }

    private final Map<String, Function<String, CommandResult>> answers = new LinkedHashMap<>();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

    public RecordedCommandRunner answer(String commandLine, CommandResult result) {
        return answer(commandLine, stdin -> result);
    }

    public RecordedCommandRunner answer(String commandLine, String stdout) {
        return answer(commandLine, CommandResult.ok(stdout));
    }

    public synchronized RecordedCommandRunner answer(String commandLine, Function<String, CommandResult> byStdin) {
        answers.put(commandLine, byStdin);
        return this;
    }

    public synchronized RecordedCommandRunner forget(String commandLine) {
        answers.remove(commandLine);
        return this;
    }

    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public List<String> commandLines() {
        return calls().stream().map(Call::commandLine).toList();
    }

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) {
        calls.add(new Call(List.copyOf(argv), stdin));
        Function<String, CommandResult> f;
        synchronized (this) {
            f = answers.get(String.join(" ", argv));
        }
        return f == null ? CommandResult.notFound(argv.get(0)) : f.apply(stdin);
    }
}
