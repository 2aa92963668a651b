package io.wgfleet.agent.collect;

import io.wgfleet.agent.parse.IpJsonParser;
import io.wgfleet.agent.parse.UdpSocket;
import io.wgfleet.agent.parse.WgDump;

import java.util.List;
import java.util.Map;

/**
 * The raw facts collected once per run, kept for the probes (which need the dump, the local
 * addresses and the route of each endpoint). Any of them may be empty when its collector failed.
 */
public record CollectedFacts(WgDump dump, List<UdpSocket> udpSockets, List<IpJsonParser.LinkAddress> addresses,
                             List<IpJsonParser.Link> links, Map<String, IpJsonParser.Route> routes) {
}
