package io.wgfleet.operator.jobs;

/** What the round scheduler reports about Jobs; implemented with Micrometer by the operator. */
public interface JobMetrics {

    void started();

    void createFailed();

    /** A Job reached a final state; outcome is succeeded or failed. */
    void finished(String outcome);

    JobMetrics NONE = new JobMetrics() {
        @Override
        public void started() {
        }

        @Override
        public void createFailed() {
        }

        @Override
        public void finished(String outcome) {
        }
    };
}
