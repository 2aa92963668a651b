package io.wgfleet.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Real outputs captured in the namespace lab, under src/test/resources/fixtures/agent/lab. */
public final class Fixtures {

    private Fixtures() {
    }

    public static String lab(String path) {
        String name = "/fixtures/agent/lab/" + path;
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
