package io.wgfleet.bench.scale;

import io.wgfleet.lab.OperatorProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator process of a scale run ({@link OperatorProcess}) and what /proc and jcmd say
 * about it: CPU seconds, resident set, heap after a full GC, the heap histogram.
 */
final class MeasuredOperator implements AutoCloseable {

    /** Clock ticks per second of /proc/PID/stat times (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    private final OperatorProcess process;

    private MeasuredOperator(OperatorProcess process) {
        this.process = process;
    }

    /**
     * @param heap  -Xmx value, e.g. 320m (the chart's, {@link ChartHeap})
     * @param extra environment for the operator (WGFLEET_... settings)
     * @param jar   the built operator, normally target/quarkus-app/quarkus-run.jar
     */
    static MeasuredOperator start(String apiUrl, String heap, Path work, Map<String, String> extra, Path jar) throws IOException {
        Path log = work.resolve("operator.log");
        // a fresh log: the OutOfMemoryError check reads it
        Files.deleteIfExists(log);
        return new MeasuredOperator(OperatorProcess.start(apiUrl, log, extra, heap, jar));
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return process.log();
    }

    boolean alive() {
        return process.isAlive();
    }

    void awaitReady(Duration timeout) throws InterruptedException {
        process.awaitReady(timeout);
    }

    String metrics() throws IOException, InterruptedException {
        return process.metrics();
    }

    /** User plus system CPU seconds so far (/proc/PID/stat fields 14 and 15). */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        // the command name (field 2) may hold spaces: count fields after its closing parenthesis
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
    }

    /** VmHWM (peak resident set) in MiB. */
    double peakRssMib() throws IOException {
        return statusKb("VmHWM") / 1024.0;
    }

    double rssMib() throws IOException {
        return statusKb("VmRSS") / 1024.0;
    }

    private long statusKb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Heap in use right after a full GC (jcmd GC.run, then GC.heap_info), in MiB; -1 when jcmd fails. */
    double heapAfterFullGcMib() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
        return m.find() ? Long.parseLong(m.group(2)) / 1024.0 : -1;
    }

    /** The heap histogram's top lines (jcmd GC.class_histogram), for the notes. */
    String histogram(int lines) throws IOException, InterruptedException {
        String h = jcmd("GC.class_histogram");
        return String.join("\n", h.lines().limit(lines + 3).toList());
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    /** Whether the operator's log shows an OutOfMemoryError. */
    boolean sawOutOfMemory() throws IOException {
        try (var lines = Files.lines(process.log())) {
            return lines.anyMatch(l -> l.contains("OutOfMemoryError"));
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
