package io.wgfleet.lab.scenario;

/** A scenario step that failed to run (a command it runs failed, a ruleset nft rejects), named by file and line. */
public final class ScenarioStepException extends RuntimeException {

    public ScenarioStepException(String message, Throwable cause) {
        super(message, cause);
    }
}
