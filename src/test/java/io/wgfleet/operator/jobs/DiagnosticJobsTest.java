package io.wgfleet.operator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagnosticJobsTest {

    static Job probing(String peers) {
        return new JobBuilder().withNewMetadata().withName("j")
                .withAnnotations(Map.of(DiagnosticJobFactory.PEERS_ANNOTATION, peers)).endMetadata().build();
    }

    @Test
    void aJobProbesExactlyThePeersItListsNotOnesThatShareAPrefixOrSuffix() {
        Job j = probing("ns/a,ns/ab,other/b");
        assertThat(DiagnosticJobs.probes(j, "ns/a")).isTrue();
        assertThat(DiagnosticJobs.probes(j, "ns/ab")).isTrue();
        assertThat(DiagnosticJobs.probes(j, "other/b")).isTrue();
        assertThat(DiagnosticJobs.probes(j, "s/a")).isFalse();
        assertThat(DiagnosticJobs.probes(j, "ns/abc")).isFalse();
        assertThat(DiagnosticJobs.probes(j, "r/b")).isFalse();
        assertThat(DiagnosticJobs.probes(probing(""), "ns/a")).isFalse();
    }
}
