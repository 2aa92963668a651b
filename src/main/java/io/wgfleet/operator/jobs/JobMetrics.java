package io.wgfleet.operator.jobs;

/** What the round scheduler reports about Jobs; implemented with Micrometer by the operator. */
public interface JobMetrics {

    void started();

    void createFailed();

    JobMetrics NONE = new JobMetrics() {
        @Override
        public void started() {
        }

        @Override
        public void createFailed() {
        }
    };
}
