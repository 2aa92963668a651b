# One image for the operator and the node agent. Not built in CI (no Docker engine
# on the build machines): build with `mvn package -DskipTests && docker build -t wgfleet .`
FROM debian:bookworm-slim

# The agent's tools come from the distribution: wg (wireguard-tools), ip (iproute2),
# nft (nftables), conntrack, ping. --no-install-recommends keeps wireguard-tools
# from pulling in a kernel image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless wireguard-tools iproute2 nftables conntrack iputils-ping \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 185 --no-create-home --shell /usr/sbin/nologin wgfleet

COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/
COPY --chown=185 target/quarkus-app/*.jar /deployments/
COPY --chown=185 target/quarkus-app/app/ /deployments/app/
COPY --chown=185 target/quarkus-app/quarkus/ /deployments/quarkus/

# The operator runs as this unprivileged user. The agent's Job overrides the command
# and runs as root with NET_ADMIN and host networking: it reads every WireGuard
# interface, adds and removes its own counter-only nftables table, and sends probe
# packets into the tunnels, which all need the node's network namespace.
USER 185
WORKDIR /deployments
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/deployments/quarkus-run.jar"]
