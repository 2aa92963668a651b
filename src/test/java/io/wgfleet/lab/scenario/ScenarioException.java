package io.wgfleet.lab.scenario;

/** A scenario file that cannot be used, with the file, line and field that are wrong. */
public class ScenarioException extends RuntimeException {

    public ScenarioException(String message) {
        super(message);
    }
}
