package io.wgfleet.agent.exec;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCommandRunnerTest {

    final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void capturesOutputErrorAndStatus() {
        CommandResult r = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(5));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.firstErrorLine()).isEqualTo("err");
        assertThat(runner.run(List.of("cat"), "fed\n", Duration.ofSeconds(5)).stdout()).isEqualTo("fed\n");
    }

    @Test
    void missingProgramIsNotFoundAndSlowOneTimesOut() {
        assertThat(runner.run(List.of("wgfleet-no-such-tool"), Duration.ofSeconds(5)).commandMissing()).isTrue();
        long t0 = System.nanoTime();
        CommandResult slow = runner.run(List.of("sleep", "10"), Duration.ofMillis(200));
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.succeeded()).isFalse();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5000);
    }

    /** A tool that is there but that execve refuses (here: no execute bit; in a pod: a file capability not grantable) is not "missing". */
    @Test
    void aProgramExecveRefusesIsNotReportedAsMissing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path tool = dir.resolve("tool");
        java.nio.file.Files.writeString(tool, "#!/bin/sh\nexit 0\n");
        CommandResult r = runner.run(List.of(tool.toString()), Duration.ofSeconds(5));
        assertThat(r.commandMissing()).isFalse();
        assertThat(r.exitCode()).isEqualTo(CommandResult.CANNOT_EXECUTE);
        assertThat(r.firstErrorLine()).contains("cannot execute", "Permission denied");
    }

    @Test
    void manyParallelCommandsAllGetTheirOutput() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(40);
        try {
            List<Future<CommandResult>> fs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                fs.add(pool.submit(() -> runner.run(List.of("sh", "-c", "sleep 0.3; echo " + n), Duration.ofSeconds(3))));
            }
            for (int i = 0; i < 40; i++) {
                assertThat(fs.get(i).get().stdout()).isEqualTo(i + "\n");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
