package io.wgfleet.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The image the lab runs the diagnostic Jobs from: built by {@code image.sh} from the
 * Dockerfile and the packaged application in target/quarkus-app, under a tag of the lab's
 * own, with image.sh's record of what it created kept in the lab's own work directory.
 * {@link #close()} runs {@code image.sh --clean} there: the lab's image goes, and the base
 * image too if this build bootstrapped it; images built by a person with image.sh stay.
 */
public final class LabImage implements AutoCloseable {

    public static final String TAG = "localhost/wgfleet-lab:test";

    private final Path work;
    private final String tag;
    private final long buildSeconds;
    /** Ctrl-C does not run @AfterAll or finally blocks: remove the image from a hook as well. */
    private final Thread hook = new Thread(this::clean, "lab-image-cleanup");
    private boolean cleaned;

    private LabImage(Path work, String tag, long buildSeconds) {
        this.work = work;
        this.tag = tag;
        this.buildSeconds = buildSeconds;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Null when the lab can run the Jobs as containers, else why not. */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "containers in lab nodes need root";
        }
        if (!onPath("podman")) {
            return "podman is not installed (.ci/run installs it; or: apt-get install -y --no-install-recommends podman buildah runc mmdebstrap)";
        }
        if (!Files.exists(Path.of("target", "quarkus-app", "quarkus-run.jar"))) {
            return "target/quarkus-app is missing (mvn package)";
        }
        return null;
    }

    /** Whether the base image is in podman's storage already, so that a build takes seconds, not minutes. */
    public static boolean baseCached() {
        try {
            Process p = new ProcessBuilder("podman", "image", "exists", "docker.io/library/debian:bookworm-slim")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Builds the image (minutes when the base must be bootstrapped, seconds with cached layers). */
    public static LabImage build(Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        long start = System.nanoTime();
        Path log = work.resolve("image.log");
        int exit = imageSh(work, log, "--no-package", "--no-install", "--tag", TAG);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        LabImage image = new LabImage(work, TAG, seconds);
        if (exit != 0) {
            image.close();
            throw new IllegalStateException("image.sh failed (exit " + exit + "): " + tail(log));
        }
        return image;
    }

    public String tag() {
        return tag;
    }

    public long buildSeconds() {
        return buildSeconds;
    }

    /** image.sh's podman settings (runtime, ulimits) for these machines. */
    public Path containersConf() {
        return work.resolve("containers.conf").toAbsolutePath();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: this may be the hook itself
        }
        clean();
    }

    private synchronized void clean() {
        if (cleaned) {
            return;
        }
        cleaned = true;
        try {
            int exit = imageSh(work, work.resolve("clean.log"), "--clean");
            if (exit != 0) {
                System.err.println("[lab] image.sh --clean failed: " + tail(work.resolve("clean.log")));
            }
        } catch (IOException e) {
            System.err.println("[lab] image.sh --clean: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int imageSh(Path work, Path log, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("bash", "image.sh"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("WGFLEET_IMAGE_WORK", work.toAbsolutePath().toString());
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
