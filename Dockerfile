# One image for the operator and the node agent (the diagnostic Jobs run
# io.wgfleet.agent.AgentMain from it). CI builds it with podman (./image.sh) and runs the
# shipped lab scenarios with the agent inside it. With Docker:
#   mvn -B package -DskipTests && docker build -t ghcr.io/wgfleet/wgfleet:0.1.0 .
FROM debian:bookworm-slim

# The agent's tools come from the distribution, nothing downloaded by hand:
#   wg (wireguard-tools), ip (iproute2), nft (nftables), conntrack, ping (iputils-ping),
#   iptables-legacy-save and iptables-nft-save (iptables: legacy rules are invisible to nft);
#   getent and cat are in the base image (libc-bin, coreutils).
# The check loops: RUN uses /bin/sh (dash), whose `command -v a b c` looks at the first name only.
# --no-install-recommends keeps wireguard-tools from pulling in a kernel image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      openjdk-17-jre-headless \
      wireguard-tools iproute2 nftables conntrack iputils-ping iptables \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && for tool in wg ip nft conntrack ping iptables-legacy-save iptables-nft-save getent cat; do command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }; done \
 && useradd --uid 185 --no-create-home --shell /usr/sbin/nologin wgfleet

# The Quarkus fast-jar layout; the agent's Job starts java with
# -cp /deployments/app/*:/deployments/lib/main/* (DiagnosticJobFactory), so these paths are fixed.
COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/
COPY --chown=185 target/quarkus-app/*.jar /deployments/
COPY --chown=185 target/quarkus-app/app/ /deployments/app/
COPY --chown=185 target/quarkus-app/quarkus/ /deployments/quarkus/

# The operator runs as this unprivileged user (the chart also sets runAsNonRoot,
# a read-only root filesystem and drops every capability).
#
# The agent's Job overrides the command and runs as root in the container with
# exactly two capabilities and the node's network namespace (hostNetwork: true):
#   - host networking: the WireGuard interfaces, sockets, routes and firewall it
#     inspects are the node's; from a pod network namespace it would see none of them.
#   - NET_ADMIN: `wg show` reads interface and peer state over netlink (the agent
#     keeps public keys and fingerprints only), and the agent adds and removes its own
#     counter-only nftables table to count arriving packets; both need CAP_NET_ADMIN
#     in the node's network namespace.
#   - NET_RAW: ping probes (handshake provocation and path MTU) use raw ICMP sockets.
# It never changes the node's WireGuard configuration or any rule but its own table.
USER 185
WORKDIR /deployments
# The heap share of the container's memory limit: the chart's default (heapPercentage), which
# the chart passes itself; here for the image run without the chart.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-jar", "/deployments/quarkus-run.jar"]
