package io.wgfleet.diagnosis;

/** A diagnosis of one peer on one of its target nodes, input to {@link DiagnosisEngine#summarize}. */
public record NodeDiagnosis(String nodeName, Diagnosis diagnosis) {
}
