package io.wgfleet.agent.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs commands on this machine as child processes. */
public final class ProcessCommandRunner implements CommandRunner {

    /**
     * Pipe readers get threads of their own: the common fork-join pool has one thread on a
     * two-core node, and a hundred parallel pings would queue their readers behind each other.
     */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "wgfleet-pipe-reader");
        t.setDaemon(true);
        return t;
    });

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        // tools print numbers and messages in the C locale, which the parsers expect
        pb.environment().put("LC_ALL", "C");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            // execve refused for another reason than a missing file: e.g. EPERM for ping, whose
            // file capability cannot be granted when CAP_NET_RAW is not in the bounding set
            String why = e.getMessage() == null ? "" : e.getMessage();
            return why.contains("error=2,") || why.contains("No such file")
                    ? CommandResult.notFound(argv.get(0))
                    : CommandResult.failed(CommandResult.CANNOT_EXECUTE, argv.get(0) + ": cannot execute: " + why);
        }
        // both pipes drained concurrently so that a chatty command cannot block on a full pipe
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), READERS);
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), READERS);
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the command exited without reading its input; its exit status tells the rest
        }
        boolean timedOut = false;
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                p.destroy();
                if (!p.waitFor(1, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(1, TimeUnit.SECONDS);
                }
            }
            String o = new String(out.get(2, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            String e = new String(err.get(2, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            return new CommandResult(timedOut ? -1 : p.exitValue(), o, e, timedOut);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new CommandResult(-1, "", "interrupted", true);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            return new CommandResult(-1, "", "output of " + argv.get(0) + " could not be read", timedOut);
        }
    }

    private static byte[] drain(InputStream s) {
        try (s) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            s.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
