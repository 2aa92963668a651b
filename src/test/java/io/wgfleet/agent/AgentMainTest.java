package io.wgfleet.agent;

import io.wgfleet.agent.exec.NamespaceCommandRunner;
import io.wgfleet.agent.exec.RecordedCommandRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentMainTest {

    @Test
    void argumentsAndDefaults() throws Exception {
        AgentOptions o = AgentMain.parse(new String[]{"--peers", "ns1/a,ns2/b.c", "--probe-wait=6s", "--no-probe"}, "node-from-env");
        assertThat(o.nodeName()).isEqualTo("node-from-env");
        assertThat(o.peerNames()).containsExactly("ns1/a", "ns2/b.c");
        assertThat(o.probeWait()).isEqualTo(Duration.ofSeconds(6));
        assertThat(o.probe()).isFalse();
        AgentOptions d = AgentMain.parse(new String[]{"--node", "n1"}, null);
        assertThat(d.probeWait()).isEqualTo(Duration.ofMillis(5500));
        assertThat(d.probe()).isTrue();
        assertThat(AgentMain.parse(new String[]{"--node", "n", "--probe-wait", "250ms"}, null).probeWait()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void badArgumentsExitWithTwo() {
        for (String[] args : List.of(new String[]{}, new String[]{"--node"}, new String[]{"--node", "n", "--bogus"},
                new String[]{"--node", "n", "--peers", "noslash"}, new String[]{"--node", "n", "--probe-wait", "soon"})) {
            assertThatThrownBy(() -> AgentMain.parse(args, null)).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.exitCode()).isEqualTo(AgentException.BAD_ARGS));
        }
        assertThat(AgentMain.run(new String[]{"--bogus"})).isEqualTo(2);
    }

    @Test
    void namespaceRunnerWrapsWithPrivateRunWireguard() {
        RecordedCommandRunner rec = new RecordedCommandRunner();
        NamespaceCommandRunner ns = new NamespaceCommandRunner("wgfa-x", Path.of("/tmp/wgfa/run/x"), rec);
        assertThat(ns.wrap(List.of("wg", "show", "all", "dump"))).containsExactly("ip", "netns", "exec", "wgfa-x", "sh", "-c",
                "mount --bind \"$0\" /run/wireguard && exec \"$@\"", "/tmp/wgfa/run/x", "wg", "show", "all", "dump");
        assertThat(new NamespaceCommandRunner("n", null, rec).wrap(List.of("nft", "-f", "-"))).containsExactly("ip", "netns", "exec", "n", "nft", "-f", "-");
        // the recorded runner does not know the wrapped command: it answers "not found", and so does the namespace runner
        assertThat(ns.run(List.of("wg"), Duration.ofSeconds(1)).commandMissing()).isTrue();
    }
}
